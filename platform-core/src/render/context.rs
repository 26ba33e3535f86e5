//! What every renderer module reads, in both stages (infra and cluster): the checked platform and its names.

use crate::checked::Checked;
use crate::model::{NodeGroup, Platform};
use crate::naming::Names;

/// The checked platform, the platform it checked and the AWS names of one environment.
pub(crate) struct Context<'a> {
    pub checked: &'a Checked<'a>,
    /// The declaration, for the values that have nothing derived ([`Checked::platform`]).
    pub platform: &'a Platform,
    pub names: Names<'a>,
}

impl<'a> Context<'a> {
    pub fn new(checked: &'a Checked<'a>, suffix: &'a str) -> Self {
        let platform = checked.platform();
        Context { checked, platform, names: Names::new(&platform.name, suffix) }
    }
}

impl Context<'_> {
    /// The node group platform controllers run on: the critical one.
    pub fn critical_group(&self) -> &NodeGroup {
        self.checked.critical_group().group
    }
}
