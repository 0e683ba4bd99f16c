//! The glue every domain error needs to run inside `act` and `read`: a query error is a store
//! error, a denial is the caller's `Denied`, and both tell the action queue what happened.

/// Implements `From<diesel::result::Error>`, `From<Refusal>`, `From<Denial>` and `ActionError` for an error
/// enum with the variants `Store(StoreError)` and `Denied(Denial)`.
#[macro_export]
macro_rules! action_error {
    ($error:ty) => {
        impl From<diesel::result::Error> for $error {
            fn from(error: diesel::result::Error) -> Self {
                Self::Store(error.into())
            }
        }

        impl From<$crate::authz::Refusal> for $error {
            fn from(refusal: $crate::authz::Refusal) -> Self {
                match refusal {
                    $crate::authz::Refusal::Denied(denial) => Self::Denied(denial),
                    $crate::authz::Refusal::Store(error) => error.into(),
                }
            }
        }

        impl From<$crate::authz::Denial> for $error {
            fn from(denial: $crate::authz::Denial) -> Self {
                Self::Denied(denial)
            }
        }

        impl $crate::authz::ActionError for $error {
            fn denial(&self) -> Option<&$crate::authz::Denial> {
                match self {
                    Self::Denied(denial) => Some(denial),
                    _ => None,
                }
            }

            fn failed_on_store(&self) -> bool {
                matches!(self, Self::Store(_))
            }
        }
    };
}
