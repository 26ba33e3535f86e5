//! TODO(issue 3): not rendered yet.

use super::Context;
use crate::render::terraform::Document;

pub(super) fn render(_ctx: &Context, _doc: &mut Document) {}
