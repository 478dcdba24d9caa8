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
    let g = GraphBuilder::new()
        .limit("api", 1)
        .cpu("a", 10)
        .uses("api")
        .cpu("b", 10)
        .uses("api")
        .build();
    let mut s = Scheduler::new(&g, SchedConfig::with_workers(4)).unwrap();
    assert_eq!(s.next(0).map(|x| x.task), Some(0));
    assert_eq!(s.next(0), None);
    assert_eq!(s.state(1), TaskState::Blocked);
    s.finish(0, Outcome::Ok, 10).unwrap();
    assert_eq!(s.next(10).map(|x| x.task), Some(1));
}

#[test]
fn cyclic_and_zero_workers_are_refused() {
    let mut g = GraphBuilder::new()
        .cpu("a", 1)
        .cpu("b", 1)
        .after(&["a"])
        .build();
    assert!(Scheduler::new(&g, SchedConfig::with_workers(0)).is_err());
    g.tasks[0].deps.push(1);
    assert!(Scheduler::new(&g, SchedConfig::with_workers(1))
        .unwrap_err()
        .contains("cycle"));
}

#[test]
fn ready_means_would_pass_its_limits_if_a_worker_were_free() {
    let mut b = GraphBuilder::new().limit("db", 2);
    for i in 0..4 {
        b = b.cpu(&format!("q{i}"), 10).uses("db");
    }
    let g = b.build();
    let mut s = Scheduler::new(&g, SchedConfig::with_workers(1)).unwrap();
    assert_eq!(s.next(0).map(|x| x.task), Some(0));
    assert_eq!(s.next(0), None);
    let states: Vec<TaskState> = (0..4).map(|t| s.state(t)).collect();
    assert_eq!(
        states,
        [
            TaskState::Running,
            TaskState::Ready,
            TaskState::Blocked,
            TaskState::Blocked
        ]
    );
    s.finish(0, Outcome::Ok, 10).unwrap();
    assert_eq!(s.next(10).map(|x| x.task), Some(1));
    assert_eq!(s.next(10), None);
    assert_eq!(s.state(2), TaskState::Ready);
    assert_eq!(s.state(3), TaskState::Blocked);
}

#[test]
fn fail_fast_cancels_running_attempts_and_ignores_their_late_reports() {
    let g = GraphBuilder::new()
        .cpu("bad", 1)
        .fail_attempts(1)
        .cpu("long", 100)
        .cpu("after", 1)
        .after(&["long"])
        .build();
    let mut s = Scheduler::new(&g, SchedConfig::with_workers(2)).unwrap();
    let a = s.next(0).unwrap();
    let b = s.next(0).unwrap();
    assert_eq!((a.task, b.task), (1, 0), "long first (critical path)");
    assert!(b.plan.fails);
    s.finish(0, Outcome::Failed, 1).unwrap();
    assert!(s.is_done());
    assert_eq!(s.state(1), TaskState::Cancelled);
    assert_eq!(s.state(2), TaskState::Cancelled);
    assert_eq!(s.next(1), None);
    s.finish(1, Outcome::Ok, 100).unwrap();
    let cancelled = s.attempts().iter().find(|r| r.task == 1).unwrap();
    assert_eq!(
        (cancelled.end_us, cancelled.status),
        (1, crate::sched::Status::Cancelled)
    );
}
