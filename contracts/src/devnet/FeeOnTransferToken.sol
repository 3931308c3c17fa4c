// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReturningToken} from "./DevnetToken.sol";

/// @title FeeOnTransferToken
/// @notice Burns `feeBps` of every transfer that does not involve the owner: the recipient gets less than
///         was sent, and the Transfer events say so honestly (one to the recipient, one burn).
contract FeeOnTransferToken is ReturningToken {
    error FeeTooHigh(uint256 feeBps);

    uint256 public immutable feeBps;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_, uint256 feeBps_)
        ReturningToken(name_, symbol_, decimals_, owner_)
    {
        if (feeBps_ > 10_000) revert FeeTooHigh(feeBps_);
        feeBps = feeBps_;
    }

    function _move(address from, address to, uint256 amount) internal override {
        if (from == owner || to == owner) return super._move(from, to, amount);
        uint256 fee = amount * feeBps / 10_000;
        _debit(from, amount);
        balanceOf[to] += amount - fee;
        totalSupply -= fee;
        emit Transfer(from, to, amount - fee);
        emit Transfer(from, address(0), fee);
    }
}
