// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";
import {V4Key, V4ModifyLiquidityParams, IV4PoolManagerFull} from "../utils/V4Fixture.sol";
import {IERC20Like} from "../utils/UniswapFixture.sol";

/// @notice A V4 hop the pool fills only in part (its liquidity ends before the input does, and the swap runs to the
///         price limit): the executor pays the PoolManager what it owes (less than the hop's input), keeps the rest,
///         and the next hop trades what the V4 hop really paid out.
contract ExecutorV4PartialTest is ExecutorV4Base {
    uint256 internal constant USDC_IN = 20_000 ether;

    function test_execute_v4PartlyFilledHopPaysOnlyWhatItOwes() public {
        // USDC/WETH at 2900 with liquidity only 100 ticks either side: a few hundred USDC fill it.
        (address a, address b) = address(weth) < usdc ? (address(weth), usdc) : (usdc, address(weth));
        V4Key memory key = V4Key(a, b, 100, 10, address(0));
        (uint256 num, uint256 den) = a == address(weth) ? (uint256(2900), uint256(1)) : (uint256(1), uint256(2900));
        int24 tick = IV4PoolManagerFull(poolManager).initialize(key, uint160(_sqrt((num << 192) / den)));
        tick = tick / 10 * 10;
        IERC20Like(usdc).approve(address(v4LiquidityRouter), type(uint256).max);
        IERC20Like(address(weth)).approve(address(v4LiquidityRouter), type(uint256).max);
        uint256 liquidity = 1e21; // about 270 USDC and 0.09 WETH in range, either token order
        v4LiquidityRouter.modifyLiquidity(key, V4ModifyLiquidityParams(tick - 100, tick + 100, int256(liquidity), bytes32(0)), "");

        vm.prank(owner);
        executor.setStartToken(usdc, true);
        _give(usdc, address(executor), USDC_IN);
        Leg[] memory legs = _legs2(_v4Leg(key, usdc, address(weth)), _v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc));
        bytes memory plan = _planLegs(false, USDC_IN, 0, legs);

        uint256 snapshot = vm.snapshotState();
        (uint256 pmUsdc, uint256 pmWeth) = (IERC20Like(usdc).balanceOf(poolManager), _wethOf(poolManager));
        uint256 usdcBefore = IERC20Like(usdc).balanceOf(address(executor));
        vm.prank(operator);
        executor.execute(plan);
        // What the chain says: the PoolManager got `owed` USDC and paid `wethOut` WETH.
        uint256 owed = IERC20Like(usdc).balanceOf(poolManager) - pmUsdc;
        uint256 wethOut = pmWeth - _wethOf(poolManager);
        int256 gained = int256(IERC20Like(usdc).balanceOf(address(executor))) - int256(usdcBefore);
        vm.revertToState(snapshot);

        assertGt(owed, 0);
        assertLt(owed, USDC_IN, "filled in full: the test's pool is too deep");
        assertGt(wethOut, 0);
        // The V2 hop sold exactly the WETH the V4 hop paid out (Router02 on the state before the plan).
        assertEq(gained, int256(_quote(address(uniRouter), address(weth), usdc, 0, wethOut)) - int256(owed));
    }
}
