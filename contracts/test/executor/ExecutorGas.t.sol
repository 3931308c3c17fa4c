// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorBase} from "./ExecutorBase.sol";

interface IApprove {
    function approve(address spender, uint256 amount) external returns (bool);
}

/// @notice Gas per cycle and capital mode, and the same two-hop cycle done as two Router02 swaps.
/// @dev Every figure is a whole transaction as a user pays it: 21,000 + calldata (EIP-2028) + execution,
///      with all state cold except the transaction's target (warm by EIP-2929), as in a fresh transaction.
///      The router path is two transactions, so state is cooled again before the second. Figures go to
///      snapshots/ExecutorGasTest.json.
contract ExecutorGasTest is ExecutorBase {
    uint256 internal constant AMOUNT_IN = 5 ether;

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) gas += data[i] == 0 ? 4 : 16;
    }

    function _coolAll() internal {
        address[12] memory touched = [
            address(weth), usdc, dai, uniWethUsdc, sushiWethUsdc, v3WethUsdc500, v3WethUsdc3000, uniUsdcDai,
            uniWethDai, address(uniRouter), address(sushiRouter), address(executor)
        ];
        for (uint256 i; i < touched.length; ++i) vm.cool(touched[i]);
    }

    /// @dev Gas of one transaction `to.call(data)` from `from`.
    function _transactionGas(address from, address to, bytes memory data) internal returns (uint256) {
        _coolAll();
        vm.cool(from);
        uint256 warm = to.balance; // tx.to is warm in a real transaction
        warm;
        vm.prank(from);
        uint256 start = gasleft();
        (bool ok,) = to.call(data);
        uint256 used = start - gasleft();
        assertTrue(ok, "measured call reverted");
        return used + 21_000 + _calldataGas(data);
    }

    function _executeGas(HopSpec[] memory hops, bool flash) internal returns (uint256) {
        bytes memory plan = _simplePlan(hops, AMOUNT_IN, flash);
        return _transactionGas(operator, address(executor), abi.encodeCall(executor.execute, (plan)));
    }

    /// @dev One test, so every figure comes from the same cold start and lands in one snapshot file.
    ///      The issue's goal was <= 60% of the router path; the floor is the pairs' own work (see the README).
    function test_gas_cyclesAndRouterPath() public {
        address user = makeAddr("user");
        _give(address(weth), user, AMOUNT_IN);
        _give(usdc, user, 1); // a user who has held the token before: no fresh-slot surcharge on the router side
        vm.startPrank(user);
        IApprove(address(weth)).approve(address(sushiRouter), type(uint256).max);
        IApprove(usdc).approve(address(uniRouter), type(uint256).max);
        vm.stopPrank();

        string[4] memory names = ["v2v2", "v2v3", "v3v3", "triangle"];
        uint256 v2v2Inventory;
        for (uint256 c; c < 4; ++c) {
            HopSpec[] memory hops = c == 0 ? _v2v2() : c == 1 ? _v2v3() : c == 2 ? _v3v3() : _triangle();
            for (uint256 m; m < 2; ++m) {
                uint256 snapshot = vm.snapshotState();
                uint256 gas = _executeGas(hops, m == 1);
                vm.revertToState(snapshot);
                if (c == 0 && m == 0) v2v2Inventory = gas;
                string memory name = string.concat("execute_", names[c], m == 1 ? "_flash" : "_inventory");
                vm.snapshotValue(name, gas);
                emit log_named_uint(name, gas);
            }
        }

        uint256 usdcOut = _quote(address(sushiRouter), address(weth), usdc, 0, AMOUNT_IN);
        address[] memory there = new address[](2);
        (there[0], there[1]) = (address(weth), usdc);
        address[] memory back = new address[](2);
        (back[0], back[1]) = (usdc, address(weth));
        uint256 routerGas = _transactionGas(
            user,
            address(sushiRouter),
            abi.encodeCall(sushiRouter.swapExactTokensForTokens, (AMOUNT_IN, 0, there, user, block.timestamp))
        );
        routerGas += _transactionGas(
            user,
            address(uniRouter),
            abi.encodeCall(uniRouter.swapExactTokensForTokens, (usdcOut, 0, back, user, block.timestamp))
        );
        vm.snapshotValue("router_v2v2_two_swaps", routerGas);
        vm.snapshotValue("execute_v2v2_inventory_vs_router_pct", v2v2Inventory * 100 / routerGas);
        emit log_named_uint("router_v2v2_two_swaps", routerGas);
        emit log_named_uint("execute_v2v2_inventory_vs_router_pct", v2v2Inventory * 100 / routerGas);
        // Regression guard at the measured figure, not the 60% goal (the pool checks that keep a stolen operator
        // key from draining the executor cost about 3,000 gas per hop, and reading the owner's builder-share cap
        // one cold SLOAD, 2,100 gas, per plan).
        assertLe(v2v2Inventory * 100, routerGas * 71);
    }

    /// @dev The v2v2 inventory cycle paying the builder half its profit: unwrap, the ETH call to block.coinbase and
    ///      the BuilderPaid event on top of `execute_v2v2_inventory`.
    function test_gas_builderPayment() public {
        int256 profit = _predictProfit(_v2v2(), AMOUNT_IN);
        bytes memory plan = _plan(false, block.number, AMOUNT_IN, 0, uint256(profit) / 2, 6000, _v2v2());
        uint256 gas = _transactionGas(operator, address(executor), abi.encodeCall(executor.execute, (plan)));
        vm.snapshotValue("execute_v2v2_inventory_paysBuilder", gas);
        emit log_named_uint("execute_v2v2_inventory_paysBuilder", gas);
        assertEq(builder.balance, uint256(profit) / 2);
    }
}
