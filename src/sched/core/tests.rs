use super::*;
use crate::sim::testkit::GraphBuilder;

#[test]
fn chain_runs_in_order_and_fan_out_uses_all_workers() {
    let g = GraphBuilder::new()
        .cpu("a", 1)
        .cpu("b", 5)
        .after(&["a"])
        .cpu("c", 1)
        .after(&["a"])
        .cpu("d", 1)
        .after(&["b", "c"])
        .build();
    let mut s = Scheduler::new(&g, SchedConfig::with_workers(2)).unwrap();
    let st = s.next(0).unwrap();
    assert_eq!((st.task, st.worker, st.attempt), (0, 0, 1));
    assert_eq!(s.next(0), None, "b and c wait for a");
    s.finish(0, Outcome::Ok, 1).unwrap();
    // b has the longer path to the end, so it goes first.
    assert_eq!(s.next(1).map(|x| (x.task, x.worker)), Some((1, 0)));
    assert_eq!(s.next(1).map(|x| (x.task, x.worker)), Some((2, 1)));
    s.finish(2, Outcome::Ok, 2).unwrap();
    assert_eq!(s.next(2), None, "d waits for b");
    s.finish(1, Outcome::Ok, 6).unwrap();
    assert_eq!(s.next(6).map(|x| (x.task, x.worker)), Some((3, 0)));
    assert!(!s.is_done());
    s.finish(3, Outcome::Ok, 7).unwrap();
    assert!(s.is_done());
    assert!(s.finish(3, Outcome::Ok, 7).is_err());
}

#[test]
fn blocked_is_distinct_from_ready() {
    let g = GraphBuilder::new().limit("api", 1).cpu("a", 10).uses("api").cpu("b", 10).uses("api").build();
    let mut s = Scheduler::new(&g, SchedConfig::with_workers(4)).unwrap();
    assert_eq!(s.next(0).map(|x| x.task), Some(0));
    assert_eq!(s.next(0), None);
    assert_eq!(s.state(1), TaskState::Blocked);
    s.finish(0, Outcome::Ok, 10).unwrap();
    assert_eq!(s.next(10).map(|x| x.task), Some(1));
}

#[test]
fn cyclic_and_zero_workers_are_refused() {
    let mut g = GraphBuilder::new().cpu("a", 1).cpu("b", 1).after(&["a"]).build();
    assert!(Scheduler::new(&g, SchedConfig::with_workers(0)).is_err());
    g.tasks[0].deps.push(1);
    assert!(Scheduler::new(&g, SchedConfig::with_workers(1)).unwrap_err().contains("cycle"));
}
