//! The parse context: every syntax error of one definition, and the span map being built.
//!
//! Like serde_derive's `Ctxt`, errors are collected rather than returned, so one compile shows every mistake;
//! [`Ctxt::check`] folds them into one `syn::Error` (`combine`), and forgetting to call it is a bug caught on drop.

use std::cell::RefCell;
use std::fmt::Display;

use platform_core::check::FieldPath;

use crate::spans::{Loc, SpanMap};

pub(crate) struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
    spans: RefCell<SpanMap>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt { errors: RefCell::new(Some(Vec::new())), spans: RefCell::new(SpanMap::default()) }
    }

    /// Adds an error covering `loc`.
    pub fn error(&self, loc: Loc, message: impl Display) {
        self.syn_error(loc.error(message));
    }

    /// Adds an error produced by syn (or built by the caller).
    pub fn syn_error(&self, error: syn::Error) {
        self.errors.borrow_mut().as_mut().expect("Ctxt used after check").push(error);
    }

    /// Records where the value at `path` was written.
    pub fn record(&self, path: &FieldPath, loc: Loc) {
        self.spans.borrow_mut().record(path, loc);
    }

    /// Records `path` unless it is already recorded (e.g. `node_groups` → the first `node_group` block).
    pub fn record_first(&self, path: &FieldPath, loc: Loc) {
        self.spans.borrow_mut().record_first(path, loc);
    }

    /// Forgets every record at or under `path` (a block left out of the platform).
    pub fn forget(&self, path: &FieldPath) {
        self.spans.borrow_mut().forget(path);
    }

    /// How many errors were added so far (a block with an error in it is left out).
    pub fn error_count(&self) -> usize {
        self.errors.borrow().as_ref().map_or(0, Vec::len)
    }

    /// Consumes the context: the span map, and every error combined into one.
    pub fn check(self) -> (SpanMap, Option<syn::Error>) {
        let errors = self.errors.borrow_mut().take().expect("Ctxt checked twice");
        let spans = self.spans.take();
        let combined = errors.into_iter().reduce(|mut all, e| {
            all.combine(e);
            all
        });
        (spans, combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("platform-macros: Ctxt dropped without check()");
        }
    }
}
