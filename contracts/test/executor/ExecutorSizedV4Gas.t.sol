// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedV4Base} from "./ExecutorSizedV4Base.sol";

/// @notice Gas of a sized leg keyed on a V4 hop (its price read by extsload from the PoolManager, the table's pool id
///         trailer checked against the hop's key) beside the same cycle shape keyed on a V3 hop, and over `execute`
///         of the same plan: whole transactions (21,000 + calldata + execution), state cold but the executor, as
///         ExecutorSizedLegsGas.t.sol measures. Figures go to snapshots/ExecutorSizedV4GasTest.json.
contract ExecutorSizedV4GasTest is ExecutorSizedV4Base {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) gas += data[i] == 0 ? 4 : 16;
    }

    function _transactionGas(bytes memory data) internal returns (uint256) {
        address[9] memory touched =
            [address(weth), usdc, uniWethUsdc, v3WethUsdc500, v3WethUsdc3000, poolManager, address(executor), operator, address(stateView)];
        for (uint256 i; i < touched.length; ++i) vm.cool(touched[i]);
        address target = address(executor);
        bool ok;
        uint256 used;
        vm.prank(operator);
        assembly ("memory-safe") {
            let start := gas()
            ok := call(gas(), target, 0, add(data, 32), mload(data), 0, 0)
            used := sub(start, gas())
        }
        assertTrue(ok, "measured call reverted");
        return used + 21_000 + _calldataGas(data);
    }

    /// @dev `entries` keys around `key` (it falls in the middle bracket), every amount AMOUNT_IN.
    function _keysAround(uint256 key, uint256 entries) internal pure returns (uint256[] memory keys, uint256[] memory amounts) {
        keys = new uint256[](entries);
        amounts = new uint256[](entries);
        uint256 first = key - (entries / 2) * 1e12 + 1;
        for (uint256 i; i < entries; ++i) (keys[i], amounts[i]) = (first + i * 1e12, AMOUNT_IN);
    }

    function _measure(string memory name, bytes memory data) internal returns (uint256 gas) {
        uint256 snapshot = vm.snapshotState();
        gas = _transactionGas(data);
        vm.revertToState(snapshot);
        vm.snapshotValue(name, gas);
        emit log_named_uint(name, gas);
    }

    struct Plans {
        bytes v3;
        bytes v4;
        uint256 plainV3;
        uint256 plainV4;
        uint256 v3Price;
        uint256 v4Price;
    }

    function test_gas_sizedV4LegVsSizedV3Leg() public {
        // The same shape as ExecutorV4GasTest: sell WETH on Uniswap V2, buy it back in a V3 or a V4 pool (keyed there).
        Leg[] memory v2v3 = _legs2(
            _v2Leg(uniWethUsdc, address(uniRouter), address(weth), usdc), _v3Leg(v3WethUsdc500, 500, usdc, address(weth))
        );
        Plans memory p;
        p.v3 = _sizedPlan(v2v3, AMOUNT_IN, 0, 0);
        p.v4 = _sizedPlan(_cycleV2V4(), AMOUNT_IN, 0, 0);
        p.plainV3 = _measure("execute_v2v3", abi.encodeCall(executor.execute, (p.v3)));
        p.plainV4 = _measure("execute_v2v4", abi.encodeCall(executor.execute, (p.v4)));
        (p.v3Price,,,,,,) = IV3Slot0(v3WethUsdc500).slot0();
        p.v4Price = _v4Price(v4WethUsdc);
        uint256[3] memory sizes = [uint256(2), 27, 64];
        for (uint256 s; s < sizes.length; ++s) _measureSize(p, sizes[s]);
    }

    function _measureSize(Plans memory p, uint256 entries) internal {
        string memory suffix = string.concat("_", vm.toString(entries), "_entries");
        (uint256[] memory keys, uint256[] memory amounts) = _keysAround(p.v3Price, entries);
        bytes memory table = _sizingPlain(v3WethUsdc500, 1, 0, keys, amounts);
        uint256 sizedV3 = _measure(string.concat("executeSized_v2v3", suffix), abi.encodeCall(executor.executeSized, (p.v3, table)));
        (keys, amounts) = _keysAround(p.v4Price, entries);
        table = _sizingV4(poolManager, 1, 0, keys, amounts, _poolId(v4WethUsdc));
        uint256 sizedV4 = _measure(string.concat("executeSized_v2v4", suffix), abi.encodeCall(executor.executeSized, (p.v4, table)));
        vm.snapshotValue(string.concat("sizedExtra_v3", suffix), sizedV3 - p.plainV3);
        vm.snapshotValue(string.concat("sizedExtra_v4", suffix), sizedV4 - p.plainV4);
        emit log_named_uint(string.concat("sizedExtra_v3", suffix), sizedV3 - p.plainV3);
        emit log_named_uint(string.concat("sizedExtra_v4", suffix), sizedV4 - p.plainV4);
        // The bound src/bundle/sizing.ts's sizedLegsExtraGas gives the bot for one leg (over `execute`).
        assertLe(sizedV4 - p.plainV4, 7_000 + 650 * entries, "sizedLegsExtraGas bound (one V4 leg)");
        // A blind backrun of a V4 victim: both directions' legs, the trading one and the other (its table above the
        // live price: skipped), as executeSizedLegs.
        _measureTwoLegs(p, entries, keys, amounts, suffix);
    }

    function _measureTwoLegs(Plans memory p, uint256 entries, uint256[] memory keys, uint256[] memory amounts, string memory suffix)
        internal
    {
        bytes[] memory plans = new bytes[](2);
        bytes[] memory sizings = new bytes[](2);
        plans[0] = p.v4;
        sizings[0] = _sizingV4(poolManager, 1, 0, keys, amounts, _poolId(v4WethUsdc));
        plans[1] = _sizedPlan(
            _legs2(_v4Leg(v4WethUsdc, address(weth), usdc), _v2Leg(uniWethUsdc, address(uniRouter), usdc, address(weth))), AMOUNT_IN, 0, 0
        );
        for (uint256 i; i < entries; ++i) keys[i] += entries * 1e12;
        sizings[1] = _sizingV4(poolManager, 0, 0, keys, amounts, _poolId(v4WethUsdc));
        uint256 gas = _measure(string.concat("executeSizedLegs_v4_2_legs", suffix), abi.encodeCall(executor.executeSizedLegs, (plans, sizings)));
        emit log_named_uint(string.concat("legsExtra_v4_2_legs", suffix), gas - p.plainV4);
        assertLe(gas - p.plainV4, 7_000 + 650 * entries + 15_500 + 650 * entries, "sizedLegsExtraGas bound (two V4 legs)");
    }
}

interface IV3Slot0 {
    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool);
}
