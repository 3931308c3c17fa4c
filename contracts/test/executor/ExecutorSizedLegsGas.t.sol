// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedLegsBase} from "./ExecutorSizedLegsBase.sol";

/// @notice Gas of `executeSizedLegs` with one trading leg and skipped ones (the other direction of the same pool),
///         beside `executeSized` with the trading leg alone and `execute` with the same input, as whole transactions
///         (21,000 + calldata + execution, cold state as in ExecutorGas.t.sol). A skipped leg pays for its plan's and
///         table's calldata, the plan checks, its pools' addresses, one read of the keyed pool and the lookup.
///         Figures go to snapshots/ExecutorSizedLegsGasTest.json.
contract ExecutorSizedLegsGasTest is ExecutorSizedLegsBase {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) gas += data[i] == 0 ? 4 : 16;
    }

    function _transactionGas(bytes memory data) internal returns (uint256) {
        address[8] memory touched =
            [address(weth), usdc, uniWethUsdc, sushiWethUsdc, v3WethUsdc500, v3WethUsdc3000, address(executor), operator];
        for (uint256 i; i < touched.length; ++i) vm.cool(touched[i]);
        uint256 warm = address(executor).balance; // tx.to is warm in a real transaction
        warm;
        address target = address(executor);
        bool ok;
        uint256 used;
        vm.prank(operator);
        // In assembly, so the measure does not include Solidity copying `data` to fresh memory first (whose
        // expansion cost grows with everything this test allocated before, not with the executor).
        assembly ("memory-safe") {
            let start := gas()
            ok := call(gas(), target, 0, add(data, 32), mload(data), 0, 0)
            used := sub(start, gas())
        }
        assertTrue(ok, "measured call reverted");
        return used + 21_000 + _calldataGas(data);
    }

    /// @dev `entries` keys around (`live`) or wholly above (else) the keyed pool's live key, every amount AMOUNT_IN;
    ///      the live key falls in the middle bracket.
    function _table(address pool, uint256 hopIndex, bool v3, uint256 entries, bool live) internal view returns (bytes memory) {
        uint256 key = _keyOf(pool, v3);
        uint256[] memory keys = new uint256[](entries);
        uint256[] memory amounts = new uint256[](entries);
        uint256 first = live ? key - (entries / 2) * 1e12 + 1 : key + 1;
        for (uint256 i; i < entries; ++i) (keys[i], amounts[i]) = (first + i * 1e12, AMOUNT_IN);
        return _sizing(pool, hopIndex, 0, keys, amounts);
    }

    struct Case {
        string name;
        HopSpec[] trading;
        HopSpec[] skipped;
        address pool;
        bool v3;
    }

    /// @dev `legs` legs, all of `entries` entries: the trading one first (or last), the others skipped.
    function _legsCall(Case memory c, uint256 legs, uint256 entries, bool tradingFirst) internal view returns (bytes memory) {
        bytes[] memory plans = new bytes[](legs);
        bytes[] memory sizings = new bytes[](legs);
        uint256 at = tradingFirst ? 0 : legs - 1;
        bytes memory skippedSizing = _table(c.pool, c.skipped[0].pool == c.pool ? 0 : 1, c.v3, entries, false);
        for (uint256 i; i < legs; ++i) {
            plans[i] = _legPlan(i == at ? c.trading : c.skipped, AMOUNT_IN, 0, 0);
            sizings[i] = i == at ? _table(c.pool, 0, c.v3, entries, true) : skippedSizing;
        }
        return abi.encodeCall(executor.executeSizedLegs, (plans, sizings));
    }

    function _measure(Case memory c, uint256 legs, uint256 entries, bool tradingFirst, uint256 plain) internal returns (uint256 gas) {
        uint256 snapshot = vm.snapshotState();
        gas = _transactionGas(_legsCall(c, legs, entries, tradingFirst));
        vm.revertToState(snapshot);
        string memory name = string.concat(
            "executeSizedLegs_", c.name, "_", vm.toString(legs), "_legs_", vm.toString(entries), "_entries", tradingFirst ? "" : "_tradingLast"
        );
        vm.snapshotValue(name, gas);
        emit log_named_uint(name, gas);
        // The bound src/bundle/sizing.ts's sizedLegsExtraGas gives the bot for its gas limit (over `execute`).
        assertLe(gas - plain, 7_000 + 650 * entries + (legs - 1) * (15_500 + 650 * entries), "sizedLegsExtraGas bound");
    }

    function test_gas_executeSizedLegsVsExecuteSized() public {
        Case[2] memory cases = [
            Case("v2v2", _legA(), _legB(), sushiWethUsdc, false),
            Case("v3v3", _legC(), _legD(), v3WethUsdc3000, true)
        ];
        uint256[4] memory sizes = [uint256(2), 8, 16, 64];
        for (uint256 c; c < 2; ++c) {
            uint256 snapshot = vm.snapshotState();
            uint256 plain = _transactionGas(abi.encodeCall(executor.execute, (_legPlan(cases[c].trading, AMOUNT_IN, 0, 0))));
            vm.revertToState(snapshot);
            vm.snapshotValue(string.concat("execute_", cases[c].name), plain);
            emit log_named_uint(string.concat("execute_", cases[c].name), plain);
            for (uint256 s; s < sizes.length; ++s) {
                bytes memory sizedCall =
                    abi.encodeCall(executor.executeSized, (_legPlan(cases[c].trading, AMOUNT_IN, 0, 0), _table(cases[c].pool, 0, cases[c].v3, sizes[s], true)));
                uint256 sized = _transactionGas(sizedCall);
                vm.revertToState(snapshot);
                string memory name = string.concat("executeSized_", cases[c].name, "_", vm.toString(sizes[s]), "_entries");
                vm.snapshotValue(name, sized);
                emit log_named_uint(name, sized);
                _measure(cases[c], 1, sizes[s], true, plain);
                uint256 two = _measure(cases[c], 2, sizes[s], true, plain);
                uint256 twoLast = _measure(cases[c], 2, sizes[s], false, plain);
                uint256 eight = _measure(cases[c], 8, sizes[s], true, plain);
                assertGt(two, sized);
                assertGt(twoLast, sized);
                emit log_named_uint(string.concat("perSkippedLeg_", name), (eight - sized) / 7);
                vm.snapshotValue(string.concat("perSkippedLeg_", cases[c].name, "_", vm.toString(sizes[s]), "_entries"), (eight - sized) / 7);
            }
        }
    }
}
