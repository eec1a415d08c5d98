#!/usr/bin/env python3
"""Writes a documentation zip (what `devpi upload --with-docs` sends) for the docs tests.

  make_docs_zip.py OUT KIND [TEXT]

KIND: `good` (index.html linking sub/page.html and _static/style.css, with a script), or a
hostile one: `traversal` (../evil.html), `absolute` (/etc/evil.html), `symlink` (a link
member), `bomb` (one member of 40 MiB of zeros), `entries` (20,001 members), `empty` (no file),
`notzip` (text). TEXT goes into index.html (to make other bytes).
"""
import stat
import sys
import zipfile

out, kind = sys.argv[1], sys.argv[2]
text = sys.argv[3] if len(sys.argv) > 3 else "Documentation"
if kind == "notzip":
    open(out, "w").write("not a zip\n")
    sys.exit(0)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    if kind == "good":
        archive.writestr("index.html", f'<html><head><link rel="stylesheet" href="_static/style.css"></head><body><h1>{text}</h1>'
                                       '<a href="sub/page.html">more</a><script>document.title = "docs"</script></body></html>')
        archive.writestr("sub/index.html", "<html><body>sub index</body></html>")
        archive.writestr("sub/page.html", '<html><body><a href="../index.html">back</a></body></html>')
        archive.writestr("_static/style.css", "body { color: black }")
    elif kind == "traversal":
        archive.writestr("index.html", "ok")
        archive.writestr("../evil.html", "evil")
    elif kind == "absolute":
        archive.writestr("index.html", "ok")
        archive.writestr("/etc/evil.html", "evil")
    elif kind == "symlink":
        archive.writestr("index.html", "ok")
        link = zipfile.ZipInfo("passwd.html")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    elif kind == "bomb":
        archive.writestr("index.html", "ok")
        archive.writestr("big.html", b"\0" * (40 << 20))
    elif kind == "entries":
        for number in range(20_001):
            archive.writestr(f"p/{number}.html", "")
    elif kind == "empty":
        archive.writestr("folder/", "")
print(out)
