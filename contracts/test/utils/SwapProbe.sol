// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IProbedPool {
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external
        returns (int256, int256);
    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool);
    function liquidity() external view returns (uint128);
}

/// @notice Asks a real V3 pool what a swap does: called with eth_call, it swaps, then reverts from the
///         callback with the amounts and the state the pool wrote (slot0 and liquidity are stored before the
///         callback). Nothing is paid and nothing changes.
contract SwapProbe {
    error Probed(int256 amount0, int256 amount1, uint160 sqrtPriceX96, int24 tick, uint128 liquidity);

    function probe(address pool, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96) external {
        IProbedPool(pool).swap(address(this), zeroForOne, amountSpecified, sqrtPriceLimitX96, "");
    }

    function uniswapV3SwapCallback(int256 amount0, int256 amount1, bytes calldata) external view {
        (uint160 sqrtPriceX96, int24 tick,,,,,) = IProbedPool(msg.sender).slot0();
        revert Probed(amount0, amount1, sqrtPriceX96, tick, IProbedPool(msg.sender).liquidity());
    }
}
