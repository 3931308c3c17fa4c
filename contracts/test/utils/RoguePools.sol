// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IV3SwapCallback {
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external;
}

interface IERC20Min {
    function balanceOf(address) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
}

interface IMintable {
    function mint(address to, uint256 amount) external;
}

/// @notice What an attacker holding the operator key would name as a pool: a contract that speaks the V3 swap
///         interface and, when swapped with, claims from its caller whatever it was armed to claim.
contract MaliciousPool {
    /// @dev `type(uint256).max`: everything the caller holds of `claimToken`.
    uint256 public claim;
    address public claimToken;
    /// @dev The output it reports (and never pays unless `payToken` is set).
    uint256 public reportedOut;
    address public payToken;
    uint256 public payAmount;
    /// @dev A token it mints to its caller after the callback (the attacker's fake start token).
    address public topUpToken;
    uint256 public topUpAmount;

    function arm(uint256 claim_, address claimToken_, uint256 reportedOut_) external {
        (claim, claimToken, reportedOut) = (claim_, claimToken_, reportedOut_);
    }

    function armPayout(address payToken_, uint256 payAmount_) external {
        (payToken, payAmount) = (payToken_, payAmount_);
    }

    function armTopUp(address topUpToken_, uint256 topUpAmount_) external {
        (topUpToken, topUpAmount) = (topUpToken_, topUpAmount_);
    }

    function swap(address recipient, bool zeroForOne, int256, uint160, bytes calldata data)
        external
        returns (int256 amount0, int256 amount1)
    {
        uint256 owed = claim == type(uint256).max ? IERC20Min(claimToken).balanceOf(msg.sender) : claim;
        int256 out = -int256(reportedOut);
        (amount0, amount1) = zeroForOne ? (int256(owed), out) : (out, int256(owed));
        IV3SwapCallback(msg.sender).uniswapV3SwapCallback(amount0, amount1, data);
        if (payAmount != 0) IERC20Min(payToken).transfer(recipient, payAmount);
        if (topUpAmount != 0) IMintable(topUpToken).mint(msg.sender, topUpAmount);
    }
}

/// @notice Code to `vm.etch` over a real V3 pool (immutables only, so it runs at the pool's address with the
///         pool's token balances): a pool that misbehaves in its callback. Stands for a listed pool that turns
///         out to be malicious, or a pool with a bug; a canonical pool never does this.
contract RoguePool {
    address internal immutable token0;
    address internal immutable token1;
    /// @dev The input it claims, as a percentage of what it was asked to take.
    uint256 internal immutable claimPct;
    /// @dev Output it really pays the recipient from its own balance.
    uint256 internal immutable payOut;
    /// @dev Non-zero: instead of the caller's data, it calls back with a one-hop plan naming this start token.
    address internal immutable dataToken;
    /// @dev Claims its output token instead of its input token.
    bool internal immutable wrongSide;

    constructor(address token0_, address token1_, uint256 claimPct_, uint256 payOut_, address dataToken_, bool wrongSide_) {
        (token0, token1, claimPct, payOut, dataToken, wrongSide) = (token0_, token1_, claimPct_, payOut_, dataToken_, wrongSide_);
    }

    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160, bytes calldata data)
        external
        returns (int256 amount0, int256 amount1)
    {
        int256 claimed = amountSpecified * int256(claimPct) / 100;
        (amount0, amount1) = zeroForOne != wrongSide ? (claimed, -int256(payOut)) : (-int256(payOut), claimed);
        bytes memory back = data;
        if (dataToken != address(0)) {
            // Packed as Plan.sol lays out a header: flash, this block, amountIn, no profit, no payment, start token.
            back = abi.encodePacked(
                uint8(1), uint64(block.number), uint128(uint256(amountSpecified)), uint128(0), uint128(0), uint16(0),
                dataToken, uint8(1)
            );
        }
        IV3SwapCallback(msg.sender).uniswapV3SwapCallback(amount0, amount1, back);
        if (payOut != 0) IERC20Min(zeroForOne ? token1 : token0).transfer(recipient, payOut);
    }
}
