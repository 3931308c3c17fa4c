// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Plan
/// @notice Reads the executor's packed plan straight from calldata (no ABI decoding, no copies).
/// @dev Layout, big-endian, no padding (src/bundle/plan.ts encodes the same):
///      header (80 bytes)
///        [0]      uint8   flags: bit 0 = flash mode (borrow the first leg from its pool), bits 1..4 = the number
///                 of V4 hops (entries in the tick-spacing trailer); with bit 0, bit 5 = borrow the input from the
///                 V4 PoolManager instead (a flash loan: take, run the cycle, settle; no fee), bit 6 = borrow it
///                 as native ETH (wrapped; the start token must be WETH); bit 7 must be clear
///        [1..9)   uint64  targetBlock: the only block the plan may run in
///        [9..25)  uint128 amountIn: input of the first hop, in the start token
///        [25..41) uint128 minProfit: net of the builder payment, in the start token
///        [41..57) uint128 builderPayment: wei paid to block.coinbase (unwrapped from WETH)
///        [57..59) uint16  maxBuilderShareBps: cap on builderPayment as a share of gross profit
///        [59..79) address startToken: input of hop 0 and output of the last hop
///        [79]     uint8   hopCount (2..8)
///      hops (44 bytes each)
///        [0..20)  address source: the factory that deployed the pool (the executor recomputes the pool's
///                 address by CREATE2 from it, the hop's tokens and fee), or the pool itself if flag bit 2 is set
///        [20..40) address tokenOut
///        [40]     uint8   flags: bit 0 = Uniswap V3 pool (else V2-style pair), bit 1 = zeroForOne,
///                 bit 2 = a pool the owner listed (source is the pool)
///        [41..44) uint24  fee: a V2 pair's fee in basis points (30 for Uniswap and SushiSwap; must be the fee the
///                 owner registered with the factory), a V3 pool's fee tier in hundredths of a basis point
///      A Uniswap V4 hop (flag bit 3) uses the same 44 bytes differently: source = the pool key's hooks (address(0)
///      for none), fee = the key's fee (LP fee or the dynamic-fee flag), flag bit 4 = native: the pool holds native
///      ETH where the plan says WETH (the executor unwraps/wraps), bits 5..7 = the hop's index in the trailer,
///      which must be the number of V4 hops before it; a V4 hop has neither bit 0 nor bit 2, other hops no bit 4..7.
///      trailer (3 bytes per V4 hop, after the hops): int24 tickSpacing of the V4 hop with that index.
///      token0/token1 of a hop are its input and output token ordered by zeroForOne; the input of hop 0 is the
///      start token, of hop i the output of hop i - 1.
library Plan {
    uint256 internal constant HEADER_SIZE = 80;
    uint256 internal constant HOP_SIZE = 44;
    uint256 internal constant MAX_HOPS = 8;

    uint256 internal constant FLAG_FLASH = 1;
    uint256 internal constant HOP_V3 = 1;
    uint256 internal constant HOP_ZERO_FOR_ONE = 2;
    uint256 internal constant HOP_LISTED = 4;
    uint256 internal constant HOP_V4 = 8;
    uint256 internal constant V4_TRAILER_ENTRY = 3;
    uint256 internal constant FLAG_V4_LOAN = 32;
    uint256 internal constant FLAG_V4_LOAN_NATIVE = 64;

    struct Header {
        bool flash;
        uint256 targetBlock;
        uint256 amountIn;
        uint256 minProfit;
        uint256 builderPayment;
        uint256 maxBuilderShareBps;
        address startToken;
        uint256 hopCount;
    }

    struct Hop {
        address source;
        address tokenOut;
        bool v3;
        bool zeroForOne;
        bool listed;
        uint256 fee;
        bool v4;
        /// @dev V4 hops: flag bits 4..7 (bit 0 native, bits 1..3 trailer index).
        uint256 v4Flags;
    }

    function header(bytes calldata plan) internal pure returns (Header memory h) {
        assembly ("memory-safe") {
            let p := plan.offset
            let word := calldataload(p)
            mstore(h, and(shr(248, word), 1))
            mstore(add(h, 0x20), shr(192, shl(8, word)))
            mstore(add(h, 0x40), shr(128, calldataload(add(p, 9))))
            mstore(add(h, 0x60), shr(128, calldataload(add(p, 25))))
            mstore(add(h, 0x80), shr(128, calldataload(add(p, 41))))
            mstore(add(h, 0xa0), shr(240, calldataload(add(p, 57))))
            mstore(add(h, 0xc0), shr(96, calldataload(add(p, 59))))
            mstore(add(h, 0xe0), shr(248, calldataload(add(p, 79))))
        }
    }

    function hop(bytes calldata plan, uint256 index) internal pure returns (Hop memory h) {
        assembly ("memory-safe") {
            let p := add(plan.offset, add(80, mul(index, 44)))
            mstore(h, shr(96, calldataload(p)))
            mstore(add(h, 0x20), shr(96, calldataload(add(p, 20))))
            let tail := calldataload(add(p, 40))
            let flags := shr(248, tail)
            mstore(add(h, 0x40), and(flags, 1))
            mstore(add(h, 0x60), and(shr(1, flags), 1))
            mstore(add(h, 0x80), and(shr(2, flags), 1))
            mstore(add(h, 0xa0), and(shr(224, tail), 0xffffff))
            mstore(add(h, 0xc0), and(shr(3, flags), 1))
            mstore(add(h, 0xe0), shr(4, flags))
        }
    }

    /// @dev The header's flag byte (flash plans read their V4 loan bits from it).
    function headerFlags(bytes calldata plan) internal pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := shr(248, calldataload(plan.offset))
        }
    }

    /// @dev The plan's size: header, hops, and the V4 trailer (3 bytes per V4 hop the header's flags count).
    function size(bytes calldata plan, uint256 hopCount) internal pure returns (uint256 total) {
        assembly ("memory-safe") {
            total := add(add(80, mul(hopCount, 44)), mul(and(shr(249, calldataload(plan.offset)), 15), 3))
        }
    }

    /// @dev Whether the plan's flags have their one meaning (call once its size is checked): header bit 7 clear; a V4
    ///      hop neither V3 nor listed, with trailer index = the number of V4 hops before it (so the indices run
    ///      0, 1, ... in hop order, none shared); a V2/V3 hop without bits 4..7; and the header's V4 count equal to
    ///      the number of V4 hops (so every trailer entry belongs to exactly one hop).
    function canonical(bytes calldata plan, uint256 hopCount) internal pure returns (bool) {
        uint256 headerFlags_ = headerFlags(plan);
        if (headerFlags_ & 128 != 0) return false;
        uint256 v4Seen;
        for (uint256 i; i < hopCount; ++i) {
            uint256 flags;
            assembly ("memory-safe") {
                flags := shr(248, calldataload(add(plan.offset, add(120, mul(i, 44)))))
            }
            if (flags & HOP_V4 != 0) {
                if (flags & (HOP_V3 | HOP_LISTED) != 0 || flags >> 5 != v4Seen) return false;
                ++v4Seen;
            } else if (flags >> 4 != 0) {
                return false;
            }
        }
        return v4Seen == (headerFlags_ >> 1) & 15;
    }

    /// @dev The tick spacing of a V4 hop from the trailer; ok false when its index lies outside the trailer.
    function v4TickSpacing(bytes calldata plan, uint256 v4Flags) internal pure returns (int24 tickSpacing, bool ok) {
        uint256 index = v4Flags >> 1;
        uint256 hopCount;
        uint256 v4Count;
        assembly ("memory-safe") {
            let word := calldataload(plan.offset)
            v4Count := and(shr(249, word), 15)
            hopCount := shr(248, calldataload(add(plan.offset, 79)))
        }
        if (index >= v4Count) return (0, false);
        uint256 at = HEADER_SIZE + hopCount * HOP_SIZE + index * V4_TRAILER_ENTRY;
        tickSpacing = int24(uint24(bytes3(plan[at:at + 3])));
        ok = true;
    }
}
