//! [`Shared`]: one part of the sandbox's memory behind its own mutex, handed to every route that
//! reads or changes it.

use std::sync::{Arc, Mutex};

/// A value every clone of the handle sees. Never hold the lock across an `.await`, and never
/// take a second one inside [`Shared::with`]: read what else is needed first.
#[derive(Debug, Default)]
pub(crate) struct Shared<T>(Arc<Mutex<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> Shared<T> {
    /// Runs `f` with the value locked.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // A panic while locked cannot leave the value in a state worse than a failed request.
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

impl<T: Default> Shared<T> {
    /// Puts the default value back (`/_control/reset`).
    pub(crate) fn reset(&self) {
        self.with(|v| *v = T::default());
    }
}
