//! HAProxy configuration language: files to a validated [`crate::model::Config`].
