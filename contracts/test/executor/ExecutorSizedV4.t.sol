// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedV4Base} from "./ExecutorSizedV4Base.sol";
import {V4Key} from "../utils/V4Fixture.sol";
import {Executor} from "../../src/Executor.sol";

/// @notice `executeSized` / `executeSizedLegs` keyed on a V4 hop: the key is the hop's own pool's sqrtPriceX96 in the
///         owner's PoolManager. Live prices come from the periphery's StateView, expected profits from V4Quoter and
///         Router02 on the same state, never from the executor's own math.
contract ExecutorSizedV4Test is ExecutorSizedV4Base {
    uint256 internal constant CEILING = 50 ether;

    /// @dev Runs executeSized as the operator: what `payee` received in WETH (the leg's input) and the executor's gain.
    function _runSized(bytes memory plan, bytes memory sizing, address payee) internal returns (uint256 input, int256 gain) {
        (uint256 payeeBefore, uint256 executorBefore) = (_wethOf(payee), _wethOf(address(executor)));
        vm.prank(operator);
        executor.executeSized(plan, sizing);
        input = _wethOf(payee) - payeeBefore;
        gain = int256(_wethOf(address(executor))) - int256(executorBefore);
    }

    function _expectRevert(bytes memory plan, bytes memory sizing, bytes memory reason) internal {
        uint256 before = _wethOf(address(executor));
        vm.prank(operator);
        vm.expectRevert(reason);
        executor.executeSized(plan, sizing);
        assertEq(_wethOf(address(executor)), before);
    }

    /// @dev V2 (sell WETH on Uniswap at 3000) then V4 (buy it back in the 2900 pool): the table keys on hop 1.
    function test_executeSized_v4HopTradesTableInputAtLivePrice() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        assertGt(price, 0);
        // The live price halfway between two entries: 2 + (4 - 2) / 2 = 3 WETH.
        bytes memory sizing = _sizingV4(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(2 ether, 4 ether), _poolId(v4WethUsdc));
        int256 predicted = _predictLegs(legs, 3 ether);
        (uint256 input, int256 gain) = _runSized(_sizedPlan(legs, CEILING, 0, 0), sizing, uniWethUsdc);
        assertEq(input, 3 ether);
        assertEq(gain, predicted);
        assertGt(gain, 0);
    }

    /// @dev A victim buys WETH in the V4 pool (its price of WETH rises above Uniswap V2's): the backrun sells WETH
    ///      there (hop 0, V4) and buys it back on V2, sized on the price the victim left.
    function test_executeSized_v4FirstHopSizedOnPriceVictimLeft() public {
        bool usdcIsZero = usdc < address(weth);
        uint256 before = _v4Price(v4WethUsdc);
        _victimV4(v4WethUsdc, usdcIsZero, 400_000 ether);
        uint256 price = _v4Price(v4WethUsdc);
        assertTrue(price != before);
        Leg[] memory legs = _legs2(_v4Leg(v4WethUsdc, address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth)));
        // A quarter of the way from the first key: 8 + (12 - 8) / 4 = 9 WETH.
        bytes memory sizing = _sizingV4(poolManager, 0, 0, _pair(price - 1, price + 3), _pair(8 ether, 12 ether), _poolId(v4WethUsdc));
        int256 predicted = _predictLegs(legs, 9 ether);
        (uint256 input, int256 gain) = _runSized(_sizedPlan(legs, CEILING, 0, 0), sizing, poolManager);
        assertEq(input, 9 ether);
        assertEq(gain, predicted);
        assertGt(gain, 0);
    }

    function test_executeSized_v4InputCappedAtPlanAmountIn() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        bytes memory sizing = _sizingV4(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(20 ether, 20 ether), _poolId(v4WethUsdc));
        (uint256 input,) = _runSized(_sizedPlan(legs, 5 ether, 0, 0), sizing, uniWethUsdc);
        assertEq(input, 5 ether);
    }

    function test_executeSized_v4KeyOutsideTableTradesNothing() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        bytes memory above = _sizingV4(poolManager, 1, 0, _pair(price + 1, price + 1000), _pair(3 ether, 3 ether), _poolId(v4WethUsdc));
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), above, abi.encodeWithSelector(Executor.NoOpportunity.selector, price));
        bytes memory below = _sizingV4(poolManager, 1, 0, _pair(price - 1000, price - 1), _pair(3 ether, 3 ether), _poolId(v4WethUsdc));
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), below, abi.encodeWithSelector(Executor.NoOpportunity.selector, price));
    }

    /// @dev In executeSizedLegs a V4 leg whose key is outside its table trades 0 while the other leg trades.
    function test_executeSizedLegs_v4LegOutsideTableTradesZero() public {
        Leg[] memory v4Leg = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        Leg[] memory v3Leg = _cycleV3V4();
        bytes[] memory plans = new bytes[](2);
        bytes[] memory sizings = new bytes[](2);
        plans[0] = _sizedPlan(v4Leg, CEILING, 0, 0);
        sizings[0] = _sizingV4(poolManager, 1, 0, _pair(price + 1, price + 9), _pair(3 ether, 3 ether), _poolId(v4WethUsdc));
        plans[1] = _sizedPlan(v3Leg, CEILING, 0, 0);
        sizings[1] = _sizingV4(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(2 ether, 2 ether), _poolId(v4WethUsdc));
        int256 predicted = _predictLegs(v3Leg, 2 ether);
        (uint256 v2Before, uint256 v3Before, uint256 executorBefore) = (_wethOf(uniWethUsdc), _wethOf(v3WethUsdc3000), _wethOf(address(executor)));
        vm.prank(operator);
        executor.executeSizedLegs(plans, sizings);
        assertEq(_wethOf(uniWethUsdc), v2Before, "the out-of-range V4 leg traded");
        assertEq(_wethOf(v3WethUsdc3000) - v3Before, 2 ether);
        assertEq(int256(_wethOf(address(executor))) - int256(executorBefore), predicted);
    }

    function test_executeSized_v4WrongManagerReverts() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        address other = makeAddr("otherPoolManager");
        bytes memory sizing = _sizingV4(other, 1, 0, _pair(price - 1, price + 1), _pair(3 ether, 3 ether), _poolId(v4WethUsdc));
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), sizing, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, other));
    }

    /// @dev The table names the PoolManager but hop 0, a V2 hop: the pool the executor derives there is the pair.
    function test_executeSized_v4ManagerOnNonV4HopReverts() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        bytes memory sizing = _sizingV4(poolManager, 0, 0, _pair(price - 1, price + 1), _pair(3 ether, 3 ether), _poolId(v4WethUsdc));
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), sizing, abi.encodeWithSelector(Executor.SizingPoolNotInPlan.selector, poolManager));
    }

    /// @dev A V4 hop's table must carry the pool id, and a V2/V3 hop's must not.
    function test_executeSized_v4TrailerOnlyForV4Hop() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        bytes memory noId = _sizingPlain(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(3 ether, 3 ether));
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), noId, abi.encodeWithSelector(Executor.BadSizing.selector));
        (uint256 reserve0,,) = _reserves(uniWethUsdc);
        bytes memory v2WithId = _sizingV4(uniWethUsdc, 0, 0, _pair(reserve0 - 1, reserve0 + 1), _pair(3 ether, 3 ether), _poolId(v4WethUsdc));
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), v2WithId, abi.encodeWithSelector(Executor.BadSizing.selector));
    }

    /// @dev Attack: a table naming another pool of the same PoolManager (one whose price would size a bigger input)
    ///      than the hop it keys on is refused before any read or swap.
    function test_executeSized_v4TableNamingAnotherPoolIdReverts() public {
        Leg[] memory legs = _cycleV2V4();
        uint256 otherPrice = _v4Price(v4EthUsdc);
        bytes32 otherId = _poolId(v4EthUsdc);
        bytes memory sizing = _sizingV4(poolManager, 1, 0, _pair(otherPrice - 1, otherPrice + 1), _pair(40 ether, 40 ether), otherId);
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), sizing, abi.encodeWithSelector(Executor.SizingPoolIdNotInPlan.selector, otherId));
    }

    function testFuzz_executeSized_v4AnyOtherPoolIdReverts(bytes32 id) public {
        vm.assume(id != _poolId(v4WethUsdc));
        Leg[] memory legs = _cycleV2V4();
        uint256 price = _v4Price(v4WethUsdc);
        bytes memory sizing = _sizingV4(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(3 ether, 3 ether), id);
        _expectRevert(_sizedPlan(legs, CEILING, 0, 0), sizing, abi.encodeWithSelector(Executor.SizingPoolIdNotInPlan.selector, id));
    }

    /// @dev The hooks allowlist still holds for a sized V4 hop: a key with hooks the owner never allowed reverts.
    function test_executeSized_v4HooksNotAllowedReverts() public {
        Leg[] memory legs = _cycleV2V4();
        address hooks = makeAddr("hooks");
        legs[1].key.hooks = hooks;
        uint256 price = _v4Price(v4WethUsdc);
        bytes memory sizing = _sizingV4(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(3 ether, 3 ether), _poolId(legs[1].key));
        bytes memory plan = _sizedPlan(legs, CEILING, 0, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSignature("V4HooksNotAllowed(address)", hooks));
        executor.executeSized(plan, sizing);
    }

    /// @dev The executor's key is the pool's price after the victim (here moved both ways), not a stale one.
    function testFuzz_executeSized_v4KeyFollowsVictim(uint256 victimUsdc, bool buys) public {
        victimUsdc = bound(victimUsdc, 1_000 ether, 300_000 ether);
        bool usdcIsZero = usdc < address(weth);
        if (buys) _victimV4(v4WethUsdc, usdcIsZero, victimUsdc);
        else _victimV4(v4WethUsdc, !usdcIsZero, victimUsdc / 3_000);
        uint256 price = _v4Price(v4WethUsdc);
        Leg[] memory legs = _cycleV2V4();
        // Only the live price is in range: one key below it (input 1 WETH) and one above (input 1 WETH + 2 wei).
        bytes memory sizing = _sizingV4(poolManager, 1, 0, _pair(price - 1, price + 1), _pair(1 ether, 1 ether + 2), _poolId(v4WethUsdc));
        uint256 poolBefore = _wethOf(uniWethUsdc);
        vm.prank(operator);
        try executor.executeSized(_sizedPlan(legs, CEILING, 0, 0), sizing) {
            assertEq(_wethOf(uniWethUsdc) - poolBefore, 1 ether + 1);
        } catch (bytes memory reason) {
            // A victim that sold enough WETH closes the gap: the leg then loses and the profit check reverts.
            assertEq(bytes4(reason), Executor.InsufficientProfit.selector);
        }
    }

    function _reserves(address pair) internal view returns (uint256 r0, uint256 r1, uint32 t) {
        (bool ok, bytes memory data) = pair.staticcall(abi.encodeWithSignature("getReserves()"));
        require(ok, "getReserves");
        (r0, r1, t) = abi.decode(data, (uint112, uint112, uint32));
    }
}
