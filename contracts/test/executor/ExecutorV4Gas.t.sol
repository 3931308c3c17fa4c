// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorV4Base} from "./ExecutorV4Base.sol";

/// @notice Gas of cycles with a V4 leg against the same cycle with a V3 leg (same first V2 hop, same fee tier and
///         tick spacing on the second), measured as ExecutorGasTest does: a whole transaction (21,000 + calldata +
///         execution) with all state cold but the executor. Figures go to snapshots/ExecutorV4GasTest.json.
contract ExecutorV4GasTest is ExecutorV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) gas += data[i] == 0 ? 4 : 16;
    }

    function _transactionGas(bytes memory plan) internal returns (uint256) {
        address[11] memory touched = [
            address(weth), usdc, dai, uniWethUsdc, sushiWethUsdc, v3WethUsdc500, v3WethUsdc3000, uniUsdcDai, uniWethDai,
            poolManager, operator
        ];
        for (uint256 i; i < touched.length; ++i) vm.cool(touched[i]);
        vm.cool(address(executor));
        uint256 warm = address(executor).balance; // tx.to is warm in a real transaction
        warm;
        bytes memory data = abi.encodeCall(executor.execute, (plan));
        vm.prank(operator);
        uint256 start = gasleft();
        (bool ok,) = address(executor).call(data);
        uint256 used = start - gasleft();
        assertTrue(ok, "measured call reverted");
        return used + 21_000 + _calldataGas(data);
    }

    function _measure(string memory name, bytes memory plan) internal returns (uint256 gas) {
        uint256 snapshot = vm.snapshotState();
        gas = _transactionGas(plan);
        vm.revertToState(snapshot);
        vm.snapshotValue(name, gas);
        emit log_named_uint(name, gas);
    }

    function test_gas_v4LegVsV3Leg() public {
        Leg[] memory v2v3 = _legs2(
            _v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v3Leg(v3WethUsdc500, 500, usdc, address(weth))
        );
        uint256 v3Inventory = _measure("execute_v2v3_inventory", _planLegs(false, AMOUNT_IN, 0, v2v3));
        uint256 v4Inventory = _measure("execute_v2v4_inventory", _planLegs(false, AMOUNT_IN, 0, _cycleV2V4()));
        uint256 v3Flash = _measure("execute_v2v3_flash", _planLegs(true, AMOUNT_IN, 0, v2v3));
        uint256 v4Flash = _measure("execute_v2v4_flash", _planLegs(true, AMOUNT_IN, 0, _cycleV2V4()));
        _measure("execute_v3v4_inventory", _planLegs(false, AMOUNT_IN, 0, _cycleV3V4()));
        _measure("execute_v4native_v2_inventory", _planLegs(false, AMOUNT_IN, 0, _cycleV4NativeV2()));
        _measure("execute_v4native_v2_flash", _planLegs(true, AMOUNT_IN, 0, _cycleV4NativeV2()));
        _measure("execute_v2_v4native_inventory", _planLegs(false, AMOUNT_IN, 0, _cycleV2V4Native()));
        _measure("execute_v4v4_inventory", _planLegs(false, AMOUNT_IN, 0, _cycleV4V4()));
        _measure("execute_v4v4_flash", _planLegs(true, AMOUNT_IN, 0, _cycleV4V4()));
        // V4 as the flash source of a V2 -> V2 cycle, against the V2 pair's own flash swap.
        Leg[] memory v2v2 = _legs2(
            _v2Leg(sushiWethUsdc, address(sushiRouter), address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth))
        );
        _measure("execute_v2v2_flash", _planLegs(true, AMOUNT_IN, 0, v2v2));
        _measure("execute_v2v2_v4loan_weth", _planLegsWithFlags(1 | 32, AMOUNT_IN, 0, v2v2));
        _measure("execute_v2v2_v4loan_native", _planLegsWithFlags(1 | 32 | 64, AMOUNT_IN, 0, v2v2));
        vm.snapshotValue("v4_leg_minus_v3_leg_inventory", v4Inventory - v3Inventory);
        emit log_named_int("v4_leg_minus_v3_leg_inventory", int256(v4Inventory) - int256(v3Inventory));
        emit log_named_int("v4_leg_minus_v3_leg_flash", int256(v4Flash) - int256(v3Flash));
        // Regression guard at the measured figure: a V4 leg (one unlock, a swap in the PoolManager's cold pool
        // state, sync + transfer + settle, take) costs less than 25% more than the V3 leg it replaces.
        assertLe(v4Inventory * 100, v3Inventory * 125);
    }
}
