//! `hash N`: hashes bytes of a fixed pseudo-random stream with 64-bit FNV-1a.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(FNV_OFFSET, |h, &b| (h ^ b as u64).wrapping_mul(FNV_PRIME))
}

/// The byte at position `i` of the fixed stream: byte `i % 8` (little-endian) of
/// SplitMix64(i / 8). Deterministic on every platform.
pub fn stream_byte(i: u64) -> u8 {
    (splitmix64(i / 8) >> (8 * (i % 8))) as u8
}

/// FNV-1a over bytes `from..to` of the stream (see [`stream_byte`]).
pub fn hash_range(from: u64, to: u64) -> u64 {
    let mut h = FNV_OFFSET;
    let mut i = from;
    while i < to {
        // One SplitMix64 call per 8 bytes.
        let word = splitmix64(i / 8);
        let end = to.min((i / 8 + 1) * 8);
        while i < end {
            h = (h ^ ((word >> (8 * (i % 8))) & 0xff)).wrapping_mul(FNV_PRIME);
            i += 1;
        }
    }
    h
}

/// SplitMix64: a well-known 64-bit mixing function, used as a seedable stream.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn splitmix64_known_value() {
        // The first output of SplitMix64 seeded with 0 (the reference generator's state 0).
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn hash_range_matches_hashing_the_materialised_bytes() {
        for (from, to) in [(0u64, 1003u64), (5, 21), (16, 16), (7, 8)] {
            let bytes: Vec<u8> = (from..to).map(stream_byte).collect();
            assert_eq!(hash_range(from, to), fnv1a(&bytes), "{from}..{to}");
        }
    }
}
