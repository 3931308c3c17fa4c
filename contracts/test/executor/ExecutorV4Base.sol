// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";
import {V4Fixture, V4Key} from "../utils/V4Fixture.sol";

/// @notice ExecutorBase's market plus Uniswap V4 pools in the real PoolManager, and a plan builder for cycles that
///         mix V2, V3 and V4 legs (Plan.sol layout, V4 hops with their tick-spacing trailer).
abstract contract ExecutorV4Base is ExecutorBase, V4Fixture {
    uint8 internal constant KIND_V2 = 0;
    uint8 internal constant KIND_V3 = 1;
    uint8 internal constant KIND_V4 = 2;

    /// @dev One leg of a cycle. For V4, `tokenIn`/`tokenOut` are the plan's tokens (WETH where the pool holds
    ///      native ETH and `native` is set); the key is the pool's.
    struct Leg {
        uint8 kind;
        address pool; // V2/V3
        address router; // V2 quoting
        uint24 fee; // V2 bps / V3 tier
        V4Key key; // V4
        bool native; // V4: the pool's ETH side is the plan's WETH
        address tokenIn;
        address tokenOut;
    }

    // V4 pools (no hooks): WETH cheap in the WETH/USDC pool, dear in the native ETH/USDC pool, cheap in ETH/DAI.
    V4Key internal v4WethUsdc; // 2900, fee 500, spacing 10
    V4Key internal v4EthUsdc; // 3200, fee 3000, spacing 60
    V4Key internal v4EthDai; // 2800, fee 3000, spacing 60

    function setUp() public virtual override {
        super.setUp();
        _deployV4();
        _give(address(weth), address(this), 1e30);
        _give(usdc, address(this), 1e30);
        _give(dai, address(this), 1e30);
        (address a, address b) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        (uint256 num, uint256 den) = a == address(weth) ? (uint256(2900), uint256(1)) : (uint256(1), uint256(2900));
        v4WethUsdc = _v4Pool(a, b, 500, 10, num, den, uint128(_sqrt(800 ether * 2_320_000 ether)));
        v4EthUsdc = _v4Pool(address(0), usdc, 3000, 60, 3200, 1, uint128(_sqrt(800 ether * 2_560_000 ether)));
        v4EthDai = _v4Pool(address(0), dai, 3000, 60, 2800, 1, uint128(_sqrt(800 ether * 2_240_000 ether)));
        vm.prank(owner);
        executor.setPoolManager(poolManager);
    }

    function _v2Leg(address pool, address router, address tokenIn, address tokenOut) internal pure returns (Leg memory l) {
        l.kind = KIND_V2;
        (l.pool, l.router, l.fee, l.tokenIn, l.tokenOut) = (pool, router, 30, tokenIn, tokenOut);
    }

    function _v3Leg(address pool, uint24 fee, address tokenIn, address tokenOut) internal pure returns (Leg memory l) {
        l.kind = KIND_V3;
        (l.pool, l.fee, l.tokenIn, l.tokenOut) = (pool, fee, tokenIn, tokenOut);
    }

    function _v4Leg(V4Key memory key, address tokenIn, address tokenOut) internal view returns (Leg memory l) {
        l.kind = KIND_V4;
        (l.key, l.tokenIn, l.tokenOut) = (key, tokenIn, tokenOut);
        l.native = key.currency0 == address(0);
        l.fee = key.fee;
        l.pool = poolManager;
    }

    /// @dev A V4 leg's direction in its pool (native ETH, currency 0, sorts first).
    function _legZeroForOne(Leg memory l) internal view returns (bool) {
        if (l.kind != KIND_V4) return l.tokenIn < l.tokenOut;
        return _v4Currency(l, l.tokenIn) == l.key.currency0;
    }

    function _v4Currency(Leg memory l, address token) internal view returns (address) {
        return l.native && token == address(weth) ? address(0) : token;
    }

    function _legs2(Leg memory a, Leg memory b) internal pure returns (Leg[] memory legs) {
        legs = new Leg[](2);
        (legs[0], legs[1]) = (a, b);
    }

    function _legs3(Leg memory a, Leg memory b, Leg memory c) internal pure returns (Leg[] memory legs) {
        legs = new Leg[](3);
        (legs[0], legs[1], legs[2]) = (a, b, c);
    }

    /// @dev Packs a plan as src/bundle/plan.ts does: header flags bit 0 flash, bits 1..4 the number of V4 hops; V4
    ///      hops name their hooks as source, flags bit 3 (V4), bit 4 (native), bits 5..7 (their trailer index), and
    ///      the plan ends with one int24 tick spacing per V4 hop.
    function _planLegs(bool flash, uint256 amountIn, uint256 minProfit, Leg[] memory legs) internal view returns (bytes memory plan) {
        return _planLegsWithFlags(flash ? 1 : 0, amountIn, minProfit, legs);
    }

    /// @dev `flags`: header bits 0 (flash), 5 (borrow the input from the V4 PoolManager), 6 (as native ETH).
    function _planLegsWithFlags(uint8 flags, uint256 amountIn, uint256 minProfit, Leg[] memory legs)
        internal
        view
        returns (bytes memory plan)
    {
        uint256 v4Count;
        for (uint256 i; i < legs.length; ++i) if (legs[i].kind == KIND_V4) v4Count++;
        plan = abi.encodePacked(
            uint8(flags | (v4Count << 1)), uint64(block.number), uint128(amountIn), uint128(minProfit), uint128(0),
            uint16(0), legs[0].tokenIn, uint8(legs.length)
        );
        bytes memory trailer;
        uint256 j;
        for (uint256 i; i < legs.length; ++i) {
            Leg memory l = legs[i];
            uint8 zfo = _legZeroForOne(l) ? 2 : 0;
            if (l.kind == KIND_V4) {
                uint8 flags = uint8(8 | zfo | (l.native ? 16 : 0) | (j << 5));
                plan = abi.encodePacked(plan, l.key.hooks, l.tokenOut, flags, l.key.fee);
                trailer = abi.encodePacked(trailer, l.key.tickSpacing);
                j++;
            } else {
                plan = abi.encodePacked(plan, factoryOf[l.pool], l.tokenOut, uint8((l.kind == KIND_V3 ? 1 : 0) | zfo), l.fee);
            }
        }
        plan = abi.encodePacked(plan, trailer);
    }

    /// @dev Gross profit of a cycle as the real periphery quotes it hop by hop (Router02, QuoterV2, V4Quoter).
    function _predictLegs(Leg[] memory legs, uint256 amountIn) internal returns (int256) {
        uint256 amount = amountIn;
        for (uint256 i; i < legs.length; ++i) {
            Leg memory l = legs[i];
            if (l.kind == KIND_V4) amount = _v4Quote(l.key, _legZeroForOne(l), amount);
            else amount = _quote(l.kind == KIND_V3 ? address(0) : l.router, l.tokenIn, l.tokenOut, l.fee, amount);
        }
        return int256(amount) - int256(amountIn);
    }

    // Cycles (each profitable on the fixture's prices).
    function _cycleV2V4() internal view returns (Leg[] memory) {
        return _legs2(_v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v4Leg(v4WethUsdc, usdc, address(weth)));
    }

    function _cycleV3V4() internal view returns (Leg[] memory) {
        return _legs2(_v3Leg(v3WethUsdc3000, 3000, address(weth), usdc), _v4Leg(v4WethUsdc, usdc, address(weth)));
    }

    /// @dev Native ETH in: WETH unwrapped to pay the ETH/USDC pool.
    function _cycleV4NativeV2() internal view returns (Leg[] memory) {
        return _legs2(_v4Leg(v4EthUsdc, address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth)));
    }

    /// @dev Native ETH out: what the ETH/DAI pool pays is wrapped.
    function _cycleV2V4Native() internal view returns (Leg[] memory) {
        return _legs2(_v2Leg(uniWethDai, address(uniRouter), address(weth), dai), _v4Leg(v4EthDai, dai, address(weth)));
    }

    /// @dev Two V4 legs (one native) in the same PoolManager.
    function _cycleV4V4() internal view returns (Leg[] memory) {
        return _legs2(_v4Leg(v4EthUsdc, address(weth), usdc), _v4Leg(v4WethUsdc, usdc, address(weth)));
    }

    /// @dev V3 -> V2 -> V4 (native out) in one cycle, through USDC and DAI.
    function _cycleV3V2V4() internal view returns (Leg[] memory) {
        return _legs3(
            _v3Leg(v3WethUsdc3000, 3000, address(weth), usdc),
            _v2Leg(uniUsdcDai, address(uniRouter), usdc, dai),
            _v4Leg(v4EthDai, dai, address(weth))
        );
    }
}
