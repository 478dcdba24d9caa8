//! Task values and how `reduce` combines them.
//!
//! A kernel task's own value in a real run is what the kernel computed (see
//! `crate::work::kernels`). Otherwise — `cpu` and `io` tasks, and every task in a
//! simulation, which does not run kernels — a task's own value is its 1-based declaration
//! position: the first task declared produces 1, the second 2, and so on. A task with a `reduce` and at least one dependency produces the
//! reduction of its dependencies' values instead; any other task produces its own value.
//! Missing inputs (a dependency that did not end `ok`, under `on_error continue`) are left
//! out. Lists are flattened where numbers are expected.

use crate::graph::Reduce;
use serde::{Deserialize, Serialize};

/// A value: an integer, or a list of values (from `concat`). JSON: a number or an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    List(Vec<Value>),
}

impl Value {
    fn flatten_into(&self, out: &mut Vec<i64>) {
        match self {
            Value::Int(i) => out.push(*i),
            Value::List(l) => l.iter().for_each(|v| v.flatten_into(out)),
        }
    }
}

/// Combines the present `inputs` (in dependency declaration order) under `how`; `first` is
/// the value of the dependency that finished first. Results:
/// `sum` → sum of all numbers (0 if none); `count` → number of present inputs;
/// `concat` → the list of all numbers, flattened, in order; `min`/`max` → smallest/largest
/// number; `vote` → the most common input value, ties to the earliest in order;
/// `first` → `first`. `None` when there is nothing to take (`min`, `max`, `vote`, `first`
/// with no input).
pub fn reduce(how: Reduce, inputs: &[&Value], first: Option<&Value>) -> Option<Value> {
    let mut nums = Vec::new();
    if matches!(
        how,
        Reduce::Sum | Reduce::Concat | Reduce::Min | Reduce::Max
    ) {
        inputs.iter().for_each(|v| v.flatten_into(&mut nums));
    }
    match how {
        Reduce::Sum => Some(Value::Int(
            nums.iter().fold(0i64, |a, &b| a.wrapping_add(b)),
        )),
        Reduce::Count => Some(Value::Int(inputs.len() as i64)),
        Reduce::Concat => Some(Value::List(nums.into_iter().map(Value::Int).collect())),
        Reduce::Min => nums.into_iter().min().map(Value::Int),
        Reduce::Max => nums.into_iter().max().map(Value::Int),
        Reduce::Vote => {
            let mut best: Option<(&Value, usize)> = None;
            for (i, v) in inputs.iter().enumerate() {
                if inputs[..i].contains(v) {
                    continue;
                }
                let c = inputs[i..].iter().filter(|w| *w == v).count();
                if best.is_none_or(|(_, bc)| c > bc) {
                    best = Some((v, c));
                }
            }
            best.map(|(v, _)| v.clone())
        }
        Reduce::First => first.cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reductions() {
        let (a, b, c) = (
            Value::Int(3),
            Value::Int(1),
            Value::List(vec![Value::Int(3), Value::Int(5)]),
        );
        let ins = [&a, &b, &c];
        assert_eq!(reduce(Reduce::Sum, &ins, None), Some(Value::Int(12)));
        assert_eq!(reduce(Reduce::Count, &ins, None), Some(Value::Int(3)));
        assert_eq!(reduce(Reduce::Min, &ins, None), Some(Value::Int(1)));
        assert_eq!(reduce(Reduce::Max, &ins, None), Some(Value::Int(5)));
        assert_eq!(
            reduce(Reduce::Concat, &ins, None),
            Some(Value::List([3, 1, 3, 5].map(Value::Int).to_vec()))
        );
        assert_eq!(
            reduce(Reduce::Vote, &[&b, &a, &a, &b], None),
            Some(Value::Int(1)),
            "tie: earliest"
        );
        assert_eq!(
            reduce(Reduce::Vote, &[&b, &a, &a], None),
            Some(Value::Int(3))
        );
        assert_eq!(reduce(Reduce::First, &ins, Some(&b)), Some(Value::Int(1)));
        assert_eq!(reduce(Reduce::Max, &[], None), None);
        assert_eq!(reduce(Reduce::Sum, &[], None), Some(Value::Int(0)));
    }
}
