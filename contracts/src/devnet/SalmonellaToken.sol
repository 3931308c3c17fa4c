// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReturningToken} from "./DevnetToken.sol";

/// @title SalmonellaToken
/// @notice Lies about transfers: between non-owners the recipient is credited only `creditBps` of the amount
///         while the Transfer event reports the full amount. A bot that trusts events or `amountOut`
///         formulas instead of balance deltas buys something it can never sell at the expected price.
contract SalmonellaToken is ReturningToken {
    error CreditTooHigh(uint256 creditBps);

    uint256 public immutable creditBps;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_, uint256 creditBps_)
        ReturningToken(name_, symbol_, decimals_, owner_)
    {
        if (creditBps_ > 10_000) revert CreditTooHigh(creditBps_);
        creditBps = creditBps_;
    }

    function _move(address from, address to, uint256 amount) internal override {
        if (from == owner || to == owner) return super._move(from, to, amount);
        _debit(from, amount);
        balanceOf[to] += amount * creditBps / 10_000;
        emit Transfer(from, to, amount);
    }
}
