//! The task-graph model and the structural algorithms every other module relies on.

mod distribution;
mod groups;
pub mod kernel;
mod levels;
mod model;
mod topo;

pub use distribution::{Spread, MAX_DRAW_US};
pub use groups::{contiguous_order, Group, NO_GROUP};
pub use levels::bottom_levels;
pub use model::*;
pub use topo::topo_order;
