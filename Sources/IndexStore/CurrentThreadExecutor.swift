import Foundation

/// Runs asynchronous code to its end on the calling thread: how the catalog's async statements
/// reach a GRDB connection, which may be used only inside GRDB's closure, on its queue.
///
/// `run` starts the body as a task that prefers this executor (SE-0417), so every nonisolated
/// async function of the body — the catalog's code and its session's statements — runs here,
/// between the calls of `run`'s loop, with the connection's queue still current. A statement
/// therefore costs no thread hop; the loop sleeps only while the body awaits something else.
final class CurrentThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// Guards `jobs` and `finished`; the loop waits on it for the next job.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` to its end on this thread, blocking it meanwhile; returns or throws what the body does.
    static func run<T>(_ body: () async throws -> T) throws -> T {
        let executor = CurrentThreadExecutor()
        // The task ends before `run` returns, and the loop below is the only thread it runs on,
        // so the body and its result never cross threads.
        nonisolated(unsafe) var outcome: Result<T, any Error>?
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            Task(executorPreference: executor) {
                do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
                executor.finish()
            }
            executor.runJobs()
        }
        guard let outcome else { throw StoreError(.internalError, "a catalog transaction ended without an outcome") }
        return try outcome.get()
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.unlock()
    }

    /// Runs jobs as they arrive until the body has finished and none is left.
    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            let ready = jobs
            jobs.removeAll(keepingCapacity: true)
            let done = finished && ready.isEmpty
            condition.unlock()
            if done { return }
            for job in ready { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
