//! Where `contract::stream` takes the identifier rule from; the rule itself is in
//! [`crate::validate`], with the other input rules.

pub use crate::validate::valid_id;
