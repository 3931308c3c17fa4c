// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Sizing
/// @notice Reads `executeSized`'s sizing table straight from calldata and interpolates the input it gives for a key.
/// @dev Layout, big-endian, no padding (src/bundle/sizing.ts encodes the same):
///      header (24 bytes)
///        [0..20)  address pool: the pool whose live state keys the table; must be the pool the executor itself
///                 derives for hop `hopIndex` of the plan
///        [20]     uint8   hopIndex: the plan hop that swaps in `pool`
///        [21..23) uint16  builderShareBps: block.coinbase's share of the realised profit (<= plan's cap)
///        [23]     uint8   count: entries (MIN_ENTRIES..MAX_ENTRIES)
///      entries (36 bytes each), keys strictly increasing
///        [0..20)  uint160 key: the pool's state after a victim (V2: reserve0 from getReserves; V3: slot0's
///                 sqrtPriceX96). For a fixed state before the victim and one swap direction, each is strictly
///                 monotone in the victim's size, so one key names one post-victim state.
///        [20..36) uint128 amount: the cycle's best input in that state, in the start token
///      V4 trailer (32 bytes, only for a table keyed on a V4 hop)
///        bytes32 poolId: the V4 pool whose slot0 sqrtPriceX96 is the key; `pool` is then the PoolManager. The
///                 executor checks it is the id of the named hop's own pool key, so one PoolManager address cannot
///                 stand for another of its pools.
library Sizing {
    uint256 internal constant HEADER_SIZE = 24;
    uint256 internal constant ENTRY_SIZE = 36;
    uint256 internal constant MIN_ENTRIES = 2;
    uint256 internal constant MAX_ENTRIES = 64;
    uint256 internal constant POOL_ID_SIZE = 32;

    struct Header {
        address pool;
        uint256 hopIndex;
        uint256 builderShareBps;
        uint256 count;
        /// @dev Whether the table ends with a V4 pool id (its length says so).
        bool hasPoolId;
        bytes32 poolId;
    }

    /// @dev The header, and whether the length matches its count, with or without a V4 pool id trailer (the only
    ///      shapes `executeSized` accepts).
    function header(bytes calldata sizing) internal pure returns (Header memory s, bool wellFormed) {
        if (sizing.length < HEADER_SIZE) return (s, false);
        assembly ("memory-safe") {
            let p := sizing.offset
            mstore(s, shr(96, calldataload(p)))
            mstore(add(s, 0x20), shr(248, calldataload(add(p, 20))))
            mstore(add(s, 0x40), shr(240, calldataload(add(p, 21))))
            mstore(add(s, 0x60), shr(248, calldataload(add(p, 23))))
        }
        uint256 entriesEnd = HEADER_SIZE + s.count * ENTRY_SIZE;
        s.hasPoolId = sizing.length == entriesEnd + POOL_ID_SIZE;
        wellFormed = s.count >= MIN_ENTRIES && s.count <= MAX_ENTRIES && (sizing.length == entriesEnd || s.hasPoolId);
        if (wellFormed && s.hasPoolId) {
            assembly ("memory-safe") {
                mstore(add(s, 0xa0), calldataload(add(sizing.offset, entriesEnd)))
            }
        }
    }

    function _entry(bytes calldata sizing, uint256 index) private pure returns (uint256 key, uint256 amount) {
        assembly ("memory-safe") {
            let p := add(sizing.offset, add(24, mul(index, 36)))
            key := shr(96, calldataload(p))
            amount := shr(128, calldataload(add(p, 20)))
        }
    }

    /// @dev Scans the whole table once (so a table whose keys do not strictly increase is refused wherever the
    ///      fault is) and interpolates linearly between the two entries around `key`, rounding toward the lower
    ///      key's amount. The result lies between those two amounts. `inRange` is false outside [first, last].
    /// @return sorted Whether the keys strictly increase.
    function amountAt(bytes calldata sizing, uint256 count, uint256 key)
        internal
        pure
        returns (bool sorted, bool inRange, uint256 amount)
    {
        (uint256 previousKey, uint256 previousAmount) = _entry(sizing, 0);
        inRange = key == previousKey;
        if (inRange) amount = previousAmount;
        for (uint256 i = 1; i < count; ++i) {
            (uint256 k, uint256 a) = _entry(sizing, i);
            if (k <= previousKey) return (false, false, 0);
            if (!inRange && key > previousKey && key <= k) {
                inRange = true;
                uint256 step = key - previousKey;
                uint256 span = k - previousKey;
                amount = a >= previousAmount
                    ? previousAmount + mulDiv(a - previousAmount, step, span)
                    : previousAmount - mulDiv(previousAmount - a, step, span);
            }
            (previousKey, previousAmount) = (k, a);
        }
        sorted = true;
    }

    /// @dev floor(x * y / d) with a 512-bit product, for d != 0 and a result that fits 256 bits (here x < 2^128,
    ///      y <= d < 2^160, so the result is below x). Remco Bloemen's method, as in Uniswap V3's FullMath (MIT).
    function mulDiv(uint256 x, uint256 y, uint256 d) internal pure returns (uint256 result) {
        unchecked {
            uint256 prod0;
            uint256 prod1;
            assembly ("memory-safe") {
                let mm := mulmod(x, y, not(0))
                prod0 := mul(x, y)
                prod1 := sub(sub(mm, prod0), lt(mm, prod0))
            }
            if (prod1 == 0) return prod0 / d;
            uint256 remainder;
            assembly ("memory-safe") {
                remainder := mulmod(x, y, d)
                prod1 := sub(prod1, gt(remainder, prod0))
                prod0 := sub(prod0, remainder)
            }
            uint256 twos = d & (~d + 1);
            assembly ("memory-safe") {
                d := div(d, twos)
                prod0 := div(prod0, twos)
                twos := add(div(sub(0, twos), twos), 1)
            }
            prod0 |= prod1 * twos;
            uint256 inverse = (3 * d) ^ 2;
            inverse *= 2 - d * inverse;
            inverse *= 2 - d * inverse;
            inverse *= 2 - d * inverse;
            inverse *= 2 - d * inverse;
            inverse *= 2 - d * inverse;
            inverse *= 2 - d * inverse;
            result = prod0 * inverse;
        }
    }
}
