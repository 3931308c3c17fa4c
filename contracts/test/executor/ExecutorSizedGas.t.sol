// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedBase} from "./ExecutorSizedBase.sol";

/// @notice Gas of `executeSized` beside `execute` for the same two-hop V2 and V3 cycles and the same input, as
///         whole transactions (21,000 + calldata + execution, cold state as in ExecutorGas.t.sol). The sized call
///         pays for the table's calldata (36 bytes an entry), one read of the touched pool and the lookup.
///         Figures go to snapshots/ExecutorSizedGasTest.json.
contract ExecutorSizedGasTest is ExecutorSizedBase {
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
        vm.prank(operator);
        uint256 start = gasleft();
        (bool ok,) = address(executor).call(data);
        uint256 used = start - gasleft();
        assertTrue(ok, "measured call reverted");
        return used + 21_000 + _calldataGas(data);
    }

    /// @dev A table of `entries` keys around the touched pool's live key, every amount AMOUNT_IN, so both calls
    ///      swap the same input and end in the same state.
    function _table(address pool, uint256 hopIndex, bool v3, uint256 entries) internal view returns (bytes memory) {
        uint256 key = _keyOf(pool, v3);
        uint256[] memory keys = new uint256[](entries);
        uint256[] memory amounts = new uint256[](entries);
        for (uint256 i; i < entries; ++i) {
            // The live key falls in the middle bracket: the lookup scans the whole table either way.
            keys[i] = key - (entries / 2) * 1e12 + i * 1e12 + 1;
            amounts[i] = AMOUNT_IN;
        }
        return _sizing(pool, hopIndex, 0, keys, amounts);
    }

    function test_gas_executeSizedVsExecute() public {
        string[2] memory names = ["v2v2", "v3v3"];
        uint256[4] memory sizes = [uint256(2), 8, 16, 64];
        for (uint256 c; c < 2; ++c) {
            HopSpec[] memory hops = c == 0 ? _v2v2() : _v3v3();
            bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, 0, 0, hops);
            uint256 snapshot = vm.snapshotState();
            uint256 plain = _transactionGas(abi.encodeCall(executor.execute, (plan)));
            vm.revertToState(snapshot);
            vm.snapshotValue(string.concat("execute_", names[c]), plain);
            emit log_named_uint(string.concat("execute_", names[c]), plain);
            for (uint256 s; s < sizes.length; ++s) {
                bytes memory sizing = _table(hops[0].pool, 0, c == 1, sizes[s]);
                uint256 sized = _transactionGas(abi.encodeCall(executor.executeSized, (plan, sizing)));
                vm.revertToState(snapshot);
                string memory name = string.concat("executeSized_", names[c], "_", vm.toString(sizes[s]), "_entries");
                vm.snapshotValue(name, sized);
                emit log_named_uint(name, sized);
                assertGt(sized, plain);
                // The bound src/bundle/sizing.ts's sizedExtraGas gives the bot for its gas limit.
                assertLe(sized - plain, 2_800 + 650 * sizes[s], "sizedExtraGas bound");
            }
        }
    }
}
