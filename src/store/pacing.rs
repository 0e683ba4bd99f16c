//! Long reads give way to writes. A read that walks many rows (the chain check, an audit's
//! input) takes them a page at a time through `page`. Before each page it waits until no
//! write is in flight (for at most `MAX_WAIT`, so that a read under a steady stream of writes
//! still ends), and the long reads' pages run one at a time per pair of cores.
//!
//! Why: snapshot reads already run at the lowest CPU priority (`authz::reads`), but that
//! reaches neither PostgreSQL's server process, which does most of a read's work there, nor
//! the disk and memory a read shares with the writers. On two cores, two long reads at once
//! left a write arriving no core at all; paced, a write waits at most for one page.
//!
//! Only reads on a snapshot are paced (`Reading::enter`): a page on the writer's own thread
//! (a check run by the CLI, say) must never wait for the writes it holds up.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Longest a page waits for the writes in flight to end.
const MAX_WAIT: Duration = Duration::from_millis(20);

/// The writes in flight and the long reads' turns, shared by a store's clones.
#[derive(Debug)]
pub struct Pacing {
    writes: AtomicUsize,
    readers_waiting: AtomicUsize,
    quiet: Mutex<()>,
    became_quiet: Condvar,
    max_wait: Duration,
    /// Turns free for a long read's page.
    turns: Mutex<usize>,
    turn_freed: Condvar,
}

impl Pacing {
    pub fn new() -> Arc<Self> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with((cores / 2).max(1), MAX_WAIT)
    }

    fn with(turns: usize, max_wait: Duration) -> Arc<Self> {
        Arc::new(Self {
            writes: AtomicUsize::new(0),
            readers_waiting: AtomicUsize::new(0),
            quiet: Mutex::new(()),
            became_quiet: Condvar::new(),
            max_wait,
            turns: Mutex::new(turns),
            turn_freed: Condvar::new(),
        })
    }

    /// Marks a write in flight until the guard is dropped.
    pub fn writing(&self) -> Writing<'_> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        Writing(self)
    }

    fn write_ended(&self) {
        if self.writes.fetch_sub(1, Ordering::SeqCst) == 1
            && self.readers_waiting.load(Ordering::SeqCst) > 0
        {
            // Taking the lock orders this wake-up after the reader's check of `writes`.
            let _quiet = lock(&self.quiet);
            self.became_quiet.notify_all();
        }
    }

    /// Waits until no write is in flight, or `max_wait` has passed.
    fn wait_for_quiet(&self) {
        if self.writes.load(Ordering::SeqCst) == 0 {
            return;
        }
        // Announced before `writes` is read again, so that the last write to end sees it.
        self.readers_waiting.fetch_add(1, Ordering::SeqCst);
        let deadline = Instant::now() + self.max_wait;
        let mut quiet = lock(&self.quiet);
        while self.writes.load(Ordering::SeqCst) > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            quiet = self
                .became_quiet
                .wait_timeout(quiet, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        drop(quiet);
        self.readers_waiting.fetch_sub(1, Ordering::SeqCst);
    }

    fn take_turn(&self) -> Turn<'_> {
        let mut free = lock(&self.turns);
        while *free == 0 {
            free = self
                .turn_freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Turn(self)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A write in flight.
pub struct Writing<'a>(&'a Pacing);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.write_ended();
    }
}

struct Turn<'a>(&'a Pacing);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *lock(&self.0.turns) += 1;
        self.0.turn_freed.notify_one();
    }
}

thread_local! {
    static READING: RefCell<Option<Arc<Pacing>>> = const { RefCell::new(None) };
}

/// A read on a snapshot, on this thread: its pages are paced until the guard is dropped.
pub struct Reading(());

impl Reading {
    pub fn enter(pacing: Arc<Pacing>) -> Self {
        READING.with(|reading| *reading.borrow_mut() = Some(pacing));
        Self(())
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        READING.with(|reading| *reading.borrow_mut() = None);
    }
}

/// Runs one page of a long read: in a read on a snapshot, after the writes in flight and in
/// its turn; elsewhere at once.
pub fn page<T>(read: impl FnOnce() -> T) -> T {
    let Some(pacing) = READING.with(|reading| reading.borrow().clone()) else {
        return read();
    };
    let _turn = pacing.take_turn();
    pacing.wait_for_quiet();
    read()
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    const LONG: Duration = Duration::from_secs(30);

    #[test]
    fn a_page_waits_for_the_write_in_flight_to_end() {
        let pacing = Pacing::with(1, LONG);
        let writing = pacing.writing();
        let (asking, asked) = mpsc::channel();
        let (ran, page_ran) = mpsc::channel();
        let reader = std::thread::spawn({
            let pacing = pacing.clone();
            move || {
                let _reading = Reading::enter(pacing);
                asking.send(()).expect("send");
                page(|| ran.send(()).expect("send"));
            }
        });
        asked.recv().expect("the reader asks for a page");
        assert!(
            page_ran.recv_timeout(Duration::from_millis(50)).is_err(),
            "the page ran while a write was in flight"
        );
        drop(writing);
        page_ran
            .recv_timeout(Duration::from_secs(10))
            .expect("the page ran once the write ended");
        reader.join().expect("reader");
    }

    #[test]
    fn a_page_goes_ahead_when_the_writes_never_stop() {
        let max_wait = Duration::from_millis(30);
        let pacing = Pacing::with(1, max_wait);
        let _writing = pacing.writing();
        let _reading = Reading::enter(pacing.clone());
        let asked = Instant::now();
        assert_eq!(page(|| 7), 7);
        assert!(asked.elapsed() >= max_wait);
    }

    #[test]
    fn outside_a_snapshot_read_a_page_never_waits() {
        let pacing = Pacing::with(1, LONG);
        let _writing = pacing.writing();
        let asked = Instant::now();
        assert_eq!(page(|| "now"), "now");
        assert!(asked.elapsed() < LONG, "the writer's own page waited");
    }

    #[test]
    fn long_reads_take_their_pages_in_turns() {
        let pacing = Pacing::with(1, LONG);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let (pacing, running, most) = (pacing.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    let _reading = Reading::enter(pacing);
                    for _ in 0..20 {
                        page(|| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_micros(200));
                            running.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                })
            })
            .collect();
        for reader in readers {
            reader.join().expect("reader");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
