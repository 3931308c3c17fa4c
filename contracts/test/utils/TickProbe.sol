// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IInitializablePool {
    function initialize(uint160 sqrtPriceX96) external;
    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool);
}

/// @notice Asks the real pool's TickMath for getTickAtSqrtRatio: initializes an (overridden-to-empty) pool at
///         a price and reads back the tick it stored. Used with eth_call and a state override of slot 0.
contract TickProbe {
    function tickAt(address pool, uint160 sqrtPriceX96) external returns (int24 tick) {
        IInitializablePool(pool).initialize(sqrtPriceX96);
        (, tick,,,,,) = IInitializablePool(pool).slot0();
    }
}
