"""Reads wrk --latency output: requests per second, p50 and p99 in milliseconds, non-2xx answers."""
import re


def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def latency(percent):
        match = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", text)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": rps, "p50_ms": latency(50), "p99_ms": latency(99), "non_2xx": int(errors.group(1)) if errors else 0}
