//! Long reads give way to writes. A read that walks many rows (the chain check, an audit's
//! input) does its work in steps through `step`: a page of rows, or the computing over them.
//! Before each step it waits until no write is in flight (for at most `MAX_WAIT`, so that a
//! read under a steady stream of writes still ends); a step that writes came during rests
//! `REST_PER_STEP` times as long as it ran. The long reads' steps run one at a time per pair
//! of cores, so they never take more than half the cores, nor more than a third of that while
//! writes keep coming.
//!
//! Why: snapshot reads already run at the lowest CPU priority (`authz::reads`), but that
//! reaches neither PostgreSQL's server process, which does most of a read's work there, nor
//! the disk and memory a read shares with the writers. On two cores, two long reads at once
//! left a write arriving no idle core: its threads, and PostgreSQL's process serving it,
//! queued behind the reads' at each step of the transaction. Paced, a core stays free.
//!
//! Only reads on a snapshot are paced (`Reading::enter`): a step on the writer's own thread
//! (a check run by the CLI, say) must never wait for the writes it holds up.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Longest a step waits for the writes in flight to end, and longest it rests after itself.
const MAX_WAIT: Duration = Duration::from_millis(20);

/// How many times its own length a step rests when writes came while it ran: the long reads
/// slow down, the writes beside them keep their pace (at 2, the p99 of invoice creation beside
/// a chain check and back-to-back audits measured 1.7x idle on SQLite, 1.8x on PostgreSQL:
/// benches/reads_beside_writes.rs).
const REST_PER_STEP: u32 = 2;

/// The writes in flight and the long reads' turns, shared by a store's clones.
#[derive(Debug)]
pub struct Pacing {
    writes: AtomicUsize,
    /// Writes begun since the start: a step that saw one begin rests after itself.
    writes_begun: AtomicU64,
    readers_waiting: AtomicUsize,
    quiet: Mutex<()>,
    became_quiet: Condvar,
    max_wait: Duration,
    turns: Mutex<Turns>,
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
            writes_begun: AtomicU64::new(0),
            readers_waiting: AtomicUsize::new(0),
            quiet: Mutex::new(()),
            became_quiet: Condvar::new(),
            max_wait,
            turns: Mutex::new(Turns {
                free: turns,
                next_ticket: 0,
                serving: 0,
            }),
            turn_freed: Condvar::new(),
        })
    }

    /// Marks a write in flight until the guard is dropped.
    pub fn writing(&self) -> Writing<'_> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.writes_begun.fetch_add(1, Ordering::Relaxed);
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

    /// Turns go in the order they were asked for: a read that gives its turn back and asks
    /// again at once goes behind the others.
    fn take_turn(&self) -> Turn<'_> {
        let mut turns = lock(&self.turns);
        let ticket = turns.next_ticket;
        turns.next_ticket += 1;
        while turns.serving != ticket || turns.free == 0 {
            turns = self
                .turn_freed
                .wait(turns)
                .unwrap_or_else(PoisonError::into_inner);
        }
        turns.serving += 1;
        turns.free -= 1;
        self.turn_freed.notify_all();
        Turn(self)
    }
}

#[derive(Debug)]
struct Turns {
    free: usize,
    next_ticket: u64,
    serving: u64,
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
        lock(&self.0.turns).free += 1;
        self.0.turn_freed.notify_all();
    }
}

thread_local! {
    static READING: RefCell<Option<Arc<Pacing>>> = const { RefCell::new(None) };
}

/// A read on a snapshot, on this thread: its steps are paced until the guard is dropped.
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

/// Runs one step of a long read: in a read on a snapshot, after the writes in flight and in
/// its turn; elsewhere at once.
pub fn step<T>(read: impl FnOnce() -> T) -> T {
    let Some(pacing) = READING.with(|reading| reading.borrow().clone()) else {
        return read();
    };
    let _turn = pacing.take_turn();
    pacing.wait_for_quiet();
    let begun = pacing.writes_begun.load(Ordering::Relaxed);
    let started = Instant::now();
    let value = read();
    if pacing.writes_begun.load(Ordering::Relaxed) != begun {
        // Writes came while it ran: rest, turn held, so that long reads take at most a third
        // of their cores' time from writers.
        std::thread::sleep((started.elapsed() * REST_PER_STEP).min(pacing.max_wait));
    }
    value
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    const LONG: Duration = Duration::from_secs(30);

    #[test]
    fn a_step_waits_for_the_write_in_flight_to_end() {
        let pacing = Pacing::with(1, LONG);
        let writing = pacing.writing();
        let (asking, asked) = mpsc::channel();
        let (ran, page_ran) = mpsc::channel();
        let reader = std::thread::spawn({
            let pacing = pacing.clone();
            move || {
                let _reading = Reading::enter(pacing);
                asking.send(()).expect("send");
                step(|| ran.send(()).expect("send"));
            }
        });
        asked.recv().expect("the reader asks for a step");
        assert!(
            page_ran.recv_timeout(Duration::from_millis(50)).is_err(),
            "the step ran while a write was in flight"
        );
        drop(writing);
        page_ran
            .recv_timeout(Duration::from_secs(10))
            .expect("the step ran once the write ended");
        reader.join().expect("reader");
    }

    #[test]
    fn a_step_goes_ahead_when_the_writes_never_stop() {
        let max_wait = Duration::from_millis(30);
        let pacing = Pacing::with(1, max_wait);
        let _writing = pacing.writing();
        let _reading = Reading::enter(pacing.clone());
        let asked = Instant::now();
        assert_eq!(step(|| 7), 7);
        assert!(asked.elapsed() >= max_wait);
    }

    #[test]
    fn a_step_that_writes_came_during_rests_after_it_ran() {
        let pacing = Pacing::with(1, LONG);
        let _reading = Reading::enter(pacing.clone());
        let ran_for = Duration::from_millis(40);
        let asked = Instant::now();
        step(|| {
            drop(pacing.writing());
            std::thread::sleep(ran_for);
        });
        assert!(
            asked.elapsed() >= ran_for * (1 + REST_PER_STEP),
            "it did not rest"
        );
    }

    #[test]
    fn outside_a_snapshot_read_a_step_never_waits() {
        let pacing = Pacing::with(1, LONG);
        let _writing = pacing.writing();
        let asked = Instant::now();
        assert_eq!(step(|| "now"), "now");
        assert!(asked.elapsed() < LONG, "the writer's own step waited");
    }

    #[test]
    fn a_read_that_asks_again_at_once_goes_behind_the_one_waiting() {
        let pacing = Pacing::with(1, LONG);
        let order = Arc::new(Mutex::new(Vec::new()));
        let (running, first_running) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let first = std::thread::spawn({
            let (pacing, order) = (pacing.clone(), order.clone());
            move || {
                let _reading = Reading::enter(pacing);
                step(|| {
                    running.send(()).expect("send");
                    released.recv().expect("released");
                });
                step(|| lock(&order).push("first, again"));
            }
        });
        first_running.recv().expect("the first read runs");
        let second = std::thread::spawn({
            let (pacing, order) = (pacing.clone(), order.clone());
            move || {
                let _reading = Reading::enter(pacing);
                step(|| lock(&order).push("second"));
            }
        });
        while lock(&pacing.turns).next_ticket < 2 {
            std::thread::yield_now();
        }
        release.send(()).expect("release");
        first.join().expect("first");
        second.join().expect("second");
        assert_eq!(*lock(&order), ["second", "first, again"]);
    }

    #[test]
    fn long_reads_take_their_steps_in_turns() {
        let pacing = Pacing::with(1, LONG);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let (pacing, running, most) = (pacing.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    let _reading = Reading::enter(pacing);
                    for _ in 0..20 {
                        step(|| {
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
