// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IProbeToken {
    function transfer(address to, uint256 amount) external returns (bool);
}

interface IProbePair {
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

/// @notice Asks a real V2 pair where its K check draws the line (eth_call only; it must hold the input token).
contract V2Probe {
    /// @notice True iff, after `amountIn` is paid in, the pair pays `amountOut` but refuses `amountOut + 1`.
    function isMaxOutput(address pair, address tokenIn, uint256 amountIn, uint256 amountOut, bool zeroForOne)
        external
        returns (bool)
    {
        IProbeToken(tokenIn).transfer(pair, amountIn);
        if (_accepts(pair, amountOut + 1, zeroForOne)) return false;
        return _accepts(pair, amountOut, zeroForOne);
    }

    /// @notice True iff, after `amountIn` is paid in, the pair pays `amountOut`.
    function pays(address pair, address tokenIn, uint256 amountIn, uint256 amountOut, bool zeroForOne)
        external
        returns (bool)
    {
        IProbeToken(tokenIn).transfer(pair, amountIn);
        return _accepts(pair, amountOut, zeroForOne);
    }

    function _accepts(address pair, uint256 amountOut, bool zeroForOne) private returns (bool) {
        (uint256 out0, uint256 out1) = zeroForOne ? (uint256(0), amountOut) : (amountOut, uint256(0));
        try IProbePair(pair).swap(out0, out1, address(this), "") {
            return true;
        } catch {
            return false;
        }
    }
}
