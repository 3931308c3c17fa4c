// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReturningToken} from "./DevnetToken.sol";

/// @title StandardToken
/// @notice A well-behaved ERC20 (the devnet's WETH-paired majors: USDC-, DAI-, WBTC-like).
contract StandardToken is ReturningToken {
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ReturningToken(name_, symbol_, decimals_, owner_)
    {}
}
