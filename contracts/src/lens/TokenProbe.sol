// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenTransfer} from "../libraries/TokenTransfer.sol";

interface IProbeWETH {
    function deposit() external payable;
    function transfer(address to, uint256 amount) external returns (bool);
}

interface IProbePair {
    function getReserves() external view returns (uint112, uint112, uint32);
    function token0() external view returns (address);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IProbeToken {
    function balanceOf(address) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @title TokenProbe
/// @notice A token safety check, run with `eth_call` and this contract's code put at an address by a state
///         override (nothing is deployed): buy the token from a WETH pair, move it to another address, and sell
///         it back, comparing every balance change with what the pair math and the transfer amount promised.
///         A fee-on-transfer token delivers less than promised, a honeypot refuses the transfer or the sale, a
///         token that lies about balances credits less than its Transfer says.
contract TokenProbe {
    using TokenTransfer for address;

    struct Verdict {
        bool bought;
        uint256 promisedOut;
        uint256 received;
        bool moved;
        uint256 movedReceived;
        bool sold;
        uint256 pairReceived;
    }

    function probe(address weth, address pair, address token, uint256 feeBps) external payable returns (Verdict memory v) {
        (v.bought, v.promisedOut, v.received) = _buy(weth, pair, token, feeBps);
        if (!v.bought) return v;
        // Move half to a holder that is neither the pair nor the owner.
        try this.moveTo(token, address(uint160(address(this)) ^ 0xdead), v.received / 2) returns (uint256 credited) {
            v.moved = true;
            v.movedReceived = credited;
        } catch {
            return v;
        }
        // Sell what is still held back to the pair: does it go, and does the pair get all of it?
        uint256 held = IProbeToken(token).balanceOf(address(this));
        if (held == 0) return v;
        uint256 pairBefore = IProbeToken(token).balanceOf(pair);
        try this.moveTo(token, pair, held) {
            v.sold = true;
            v.pairReceived = IProbeToken(token).balanceOf(pair) - pairBefore;
        } catch {}
    }

    function _buy(address weth, address pair, address token, uint256 feeBps)
        private
        returns (bool bought, uint256 promisedOut, uint256 received)
    {
        IProbeWETH(weth).deposit{value: msg.value}();
        bool tokenIs0 = IProbePair(pair).token0() == token;
        (uint256 r0, uint256 r1,) = IProbePair(pair).getReserves();
        (uint256 reserveIn, uint256 reserveOut) = tokenIs0 ? (r1, r0) : (r0, r1);
        uint256 inWithFee = msg.value * (10_000 - feeBps);
        promisedOut = inWithFee * reserveOut / (reserveIn * 10_000 + inWithFee);
        IProbeWETH(weth).transfer(pair, msg.value);
        uint256 before = IProbeToken(token).balanceOf(address(this));
        try IProbePair(pair).swap(tokenIs0 ? promisedOut : 0, tokenIs0 ? 0 : promisedOut, address(this), "") {
            bought = true;
            received = IProbeToken(token).balanceOf(address(this)) - before;
        } catch {}
    }

    /// @dev Sends `amount` to `to` and reports what `to` was credited (external, so a revert is caught; for the
    ///      sale the pair's balance change is read by the caller, since the pair's reserves are not synced).
    function moveTo(address token, address to, uint256 amount) external returns (uint256 credited) {
        require(msg.sender == address(this), "self only");
        uint256 before = IProbeToken(token).balanceOf(to);
        token.transfer(to, amount); // tolerates tokens that return nothing (USDT)
        credited = IProbeToken(token).balanceOf(to) - before;
    }
}
