//! Every request settles exactly once, whatever happens: a seeded randomized run of many
//! interleavings of fast, slow, failing, hanging and aborted requests through sharing, retry
//! and the limit, with random clock advances. Deterministic: a tiny xorshift PRNG per seed.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use futures::future::{AbortHandle, Abortable};
use serde_json::json;
use wxhttp::request::RetryOption;
use wxhttp::stack::{self, Service};
use wxhttp::{ClientConfig, Error, Kind, RequestOptions, Response};

fn random_reply(rng: &mut Rng) -> Reply {
    let delay = [0, 1, 50, 300, 1500][rng.below(5) as usize];
    match rng.below(10) {
        0..=3 => ok(json!({ "ok": true })).after(delay),
        4 => status(503).after(delay),
        5 => status(400).after(delay),
        6 => fail("request:fail ssl hand shake error").after(delay),
        7 => fail("request:fail interrupted").after(delay),
        8 => Reply::Hang,
        _ => status([429, 500, 404][rng.below(3) as usize]).after(delay),
    }
}

fn random_options(rng: &mut Rng) -> RequestOptions<J> {
    let method = ["GET", "GET", "GET", "HEAD", "POST", "PUT", "PATCH"][rng.below(7) as usize];
    let path = format!("/r/{}", rng.below(4)); // few paths: sharing happens often
    let mut options = RequestOptions::new(method, &path);
    options.timeout = Some([200.0, 1000.0, 2000.0][rng.below(3) as usize]);
    options.dedupe = rng.chance(80).then_some(true).or(Some(false));
    options.retry = match rng.below(6) {
        0 => RetryOption::Off,
        1 => RetryOption::Limit(rng.below(3) as u32),
        _ => RetryOption::Default,
    };
    options
}

type Settled = Outcome<Result<Response<J>, Error<J>>>;

fn run_seed(seed: u64) {
    let rng = Rc::new(RefCell::new(Rng::new(seed)));
    let replies = rng.clone();
    let fake = Fake::new(move |_| random_reply(&mut replies.borrow_mut()));
    let max = 1 + rng.borrow_mut().below(5) as usize;
    let config = ClientConfig { base_url: "https://api.example.com".into(), max_concurrent: max, ..ClientConfig::default() };
    let stack = Rc::new(stack::build(fake.clone(), &config, None).0);
    let share = || stack.inner();
    let limit = || match &**share().inner() {
        stack::MaybeAuth::Off(below) => below.inner().inner(),
        stack::MaybeAuth::On(_) => unreachable!("built without auth"),
    };
    let mut pool = LocalPool::new();
    let mut requests: Vec<(Settled, AbortHandle, bool)> = Vec::new();

    for _ in 0..80 {
        let action = rng.borrow_mut().below(10);
        match action {
            0..=4 => {
                let options = random_options(&mut rng.borrow_mut());
                let mut request = config.prepare(options).expect("valid options");
                request.priority = rng.borrow_mut().chance(10); // a login request now and then
                let (handle, registration) = AbortHandle::new_pair();
                let s = stack.clone();
                let outcome = spawn(&pool, async move {
                    match Abortable::new(s.call(request), registration).await {
                        Ok(result) => result,
                        Err(_) => Err(Error::new(Kind::Aborted, "aborted".into())),
                    }
                });
                requests.push((outcome, handle, false));
            }
            5 | 6 if !requests.is_empty() => {
                let i = rng.borrow_mut().below(requests.len() as u64) as usize;
                let (outcome, handle, aborted) = &mut requests[i];
                *aborted |= !outcome.is_settled();
                handle.abort();
            }
            _ => {
                let ms = [0.0, 1.0, 49.0, 150.0, 700.0][rng.borrow_mut().below(5) as usize];
                fake.clock.advance(&mut pool, ms);
            }
        }
        pool.run_until_stalled();
        assert!(limit().in_flight() <= max, "seed {seed}: limit exceeded");
        assert!(fake.counters.in_flight.get() as usize <= max, "seed {seed}: sends exceed the limit");
        assert_eq!(fake.counters.in_flight.get() as usize, limit().in_flight(), "seed {seed}: slots leak or double-free");
    }

    // Worst case: 3 attempts of a 2 s timeout and two capped backoffs.
    fake.clock.advance(&mut pool, 60_000.0);
    for (i, (outcome, _, aborted)) in requests.iter().enumerate() {
        let result = outcome.get();
        let result = result.as_ref().unwrap_or_else(|| panic!("seed {seed}: request {i} never settled"));
        if *aborted {
            assert_eq!(result.as_ref().unwrap_err().kind, Kind::Aborted, "seed {seed}: request {i}");
        }
    }
    assert!(fake.counters.max_in_flight.get() as usize <= max, "seed {seed}");
    assert_eq!(fake.counters.in_flight.get(), 0, "seed {seed}: a send left in flight");
    assert_eq!((limit().in_flight(), limit().queued()), (0, 0), "seed {seed}: slots left taken");
    assert_eq!(share().in_flight(), 0, "seed {seed}: a shared call left behind");
    assert_eq!(fake.clock.pending(), 0, "seed {seed}: a timer left behind");
}

#[test]
fn every_request_settles_exactly_once_under_random_interleavings() {
    for seed in 0..300 {
        run_seed(seed);
    }
}
