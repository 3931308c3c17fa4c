// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IV3PoolView {
    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool);
    function liquidity() external view returns (uint128);
    function fee() external view returns (uint24);
    function tickSpacing() external view returns (int24);
    function token0() external view returns (address);
    function token1() external view returns (address);
    function tickBitmap(int16 wordPosition) external view returns (uint256);
    function ticks(int24 tick)
        external
        view
        returns (uint128, int128 liquidityNet, uint256, uint256, int56, uint160, uint32, bool);
}

interface IV2PairView {
    function getReserves() external view returns (uint112, uint112, uint32);
    function token0() external view returns (address);
    function token1() external view returns (address);
}

/// @title PoolStateReader
/// @notice A deploy-less batch reader: sent as the `data` of an `eth_call` with no `to`, its constructor reads
///         the listed pools and returns the ABI-encoded result instead of deploying. For each V3 entry: price,
///         liquidity, and the initialized ticks (with liquidityNet) in bitmap words [wordFrom, wordTo] (none
///         when wordFrom > wordTo), so a pool's full range can be split across calls to fit the gas cap. For
///         each V2 pair: reserves. A few round trips for many pools.
contract PoolStateReader {
    struct V3State {
        address pool;
        address token0;
        address token1;
        uint24 fee;
        int24 tickSpacing;
        uint160 sqrtPriceX96;
        int24 tick;
        uint128 liquidity;
        int24[] ticks;
        int128[] liquidityNet;
        uint128[] liquidityGross;
    }

    struct V2State {
        address pair;
        address token0;
        address token1;
        uint112 reserve0;
        uint112 reserve1;
    }

    constructor(address[] memory v3Pools, int16[] memory wordFrom, int16[] memory wordTo, address[] memory v2Pairs) {
        V3State[] memory v3 = new V3State[](v3Pools.length);
        for (uint256 i; i < v3Pools.length; ++i) v3[i] = _readV3(IV3PoolView(v3Pools[i]), wordFrom[i], wordTo[i]);
        V2State[] memory v2 = new V2State[](v2Pairs.length);
        for (uint256 i; i < v2Pairs.length; ++i) {
            IV2PairView pair = IV2PairView(v2Pairs[i]);
            (uint112 r0, uint112 r1,) = pair.getReserves();
            v2[i] = V2State(address(pair), pair.token0(), pair.token1(), r0, r1);
        }
        bytes memory result = abi.encode(v3, v2);
        assembly {
            return(add(result, 0x20), mload(result))
        }
    }

    function _readV3(IV3PoolView pool, int256 wordFrom, int256 wordTo) private view returns (V3State memory state) {
        state.pool = address(pool);
        state.token0 = pool.token0();
        state.token1 = pool.token1();
        state.fee = pool.fee();
        state.tickSpacing = pool.tickSpacing();
        (state.sqrtPriceX96, state.tick,,,,,) = pool.slot0();
        state.liquidity = pool.liquidity();
        int24 spacing = state.tickSpacing;
        uint256 count;
        int24[] memory found = new int24[](256);
        for (int256 word = wordFrom; word <= wordTo; ++word) {
            uint256 bits = pool.tickBitmap(int16(word));
            while (bits != 0) {
                uint256 bit = _lowestBit(bits);
                bits &= bits - 1;
                if (count == found.length) found = _grow(found);
                found[count++] = int24((word * 256 + int256(bit)) * spacing);
            }
        }
        state.ticks = new int24[](count);
        state.liquidityNet = new int128[](count);
        state.liquidityGross = new uint128[](count);
        for (uint256 i; i < count; ++i) {
            state.ticks[i] = found[i];
            (state.liquidityGross[i], state.liquidityNet[i],,,,,,) = pool.ticks(found[i]);
        }
    }

    /// @dev Index of the lowest set bit of a non-zero word (binary search over halves).
    function _lowestBit(uint256 x) private pure returns (uint256 bit) {
        for (uint256 size = 128; size > 0; size >>= 1) {
            if (x & ((uint256(1) << size) - 1) == 0) {
                bit += size;
                x >>= size;
            }
        }
    }

    function _grow(int24[] memory values) private pure returns (int24[] memory grown) {
        grown = new int24[](values.length * 2);
        for (uint256 i; i < values.length; ++i) grown[i] = values[i];
    }
}
