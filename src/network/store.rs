//! The flat arrays a network is stored in: made in memory when a network is built from its
//! source edges, or read in place from bytes someone else holds (a prepared area file mapped
//! into memory by `crate::io::prepared`), so that one home's `check` on a county does not
//! copy, allocate or even touch the hundreds of megabytes it would take to build the network.
//!
//! Pure: this module never reads a file. The bytes come in as a [`Bytes`] and stay wherever
//! their owner put them; an array is checked once, when made, to fit its element type (length
//! and alignment), and read through `bytemuck`, so no `unsafe` is needed here.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use bytemuck::Pod;

/// Bytes held by someone else for as long as any array reads them (a mapped file).
pub trait Bytes: Send + Sync {
    /// All of them.
    fn bytes(&self) -> &[u8];
}

/// An array of plain values: owned, or a range of shared bytes read in place.
pub struct Slab<T: Pod> {
    held: Held<T>,
}

enum Held<T> {
    Owned(Vec<T>),
    Shared {
        bytes: Arc<dyn Bytes>,
        start: usize,
        len: usize,
    },
}

/// Why shared bytes cannot be read as an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// Which array.
    pub what: &'static str,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: not a whole number of aligned values, or out of range",
            self.what
        )
    }
}

impl<T: Pod> Slab<T> {
    /// `bytes[start..start + len]` as an array of `T`; refused when the range is out of bounds,
    /// misaligned for `T` or not a whole number of `T`.
    pub fn shared(
        what: &'static str,
        bytes: Arc<dyn Bytes>,
        start: usize,
        len: usize,
    ) -> Result<Slab<T>, Misfit> {
        let all = bytes.bytes();
        let fits = start
            .checked_add(len)
            .and_then(|end| all.get(start..end))
            .is_some_and(|b| bytemuck::try_cast_slice::<u8, T>(b).is_ok());
        if !fits {
            return Err(Misfit { what });
        }
        Ok(Slab {
            held: Held::Shared { bytes, start, len },
        })
    }

    /// The array's bytes, as they are written to a prepared file.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
}

impl<T: Pod> From<Vec<T>> for Slab<T> {
    fn from(v: Vec<T>) -> Slab<T> {
        Slab {
            held: Held::Owned(v),
        }
    }
}

impl<T: Pod> Default for Slab<T> {
    fn default() -> Slab<T> {
        Vec::new().into()
    }
}

impl<T: Pod> Deref for Slab<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.held {
            Held::Owned(v) => v,
            // Checked to fit when made, and shared bytes never change, so the cast cannot fail.
            Held::Shared { bytes, start, len } => {
                bytemuck::cast_slice(&bytes.bytes()[*start..*start + *len])
            }
        }
    }
}

impl<T: Pod> fmt::Debug for Slab<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.held {
            Held::Owned(_) => "owned",
            Held::Shared { .. } => "shared",
        };
        write!(f, "Slab({} values, {how})", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain(Vec<u64>);
    impl Bytes for Plain {
        fn bytes(&self) -> &[u8] {
            bytemuck::cast_slice(&self.0)
        }
    }

    #[test]
    fn shared_bytes_are_read_in_place_and_misfits_refused() {
        let bytes: Arc<dyn Bytes> = Arc::new(Plain(vec![1, 2, 3, 4]));
        let s: Slab<u32> = Slab::shared("s", bytes.clone(), 8, 16).unwrap();
        assert_eq!(&s[..], &[2, 0, 3, 0]);
        assert_eq!(s.as_bytes().len(), 16);
        assert!(Slab::<u32>::shared("odd", bytes.clone(), 8, 6).is_err());
        assert!(Slab::<u64>::shared("misaligned", bytes.clone(), 4, 8).is_err());
        assert!(Slab::<u8>::shared("past the end", bytes.clone(), 30, 4).is_err());
        assert!(Slab::<u8>::shared("overflow", bytes, usize::MAX, 2).is_err());
        let owned: Slab<u16> = vec![7u16, 8].into();
        assert_eq!(&owned[..], &[7, 8]);
    }
}
