// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExecutorSizedBase} from "./ExecutorSizedBase.sol";

/// @notice The design's whole loop on real Uniswap bytecode: before the victim, a table is built for a grid of
///         victim sizes in one direction (key of the touched pool after the victim, best input there by brute
///         force over the real periphery's quotes); then a victim of a size the table never saw trades, and
///         `executeSized` must realise at least 98% of the brute-force optimum on the state it finds.
abstract contract SizedCaptureBase is ExecutorSizedBase {
    uint256 internal constant POINTS = 13;
    uint256 internal constant MAX_VICTIM_USDC = 600_000 ether;
    uint256 internal constant CEILING = 200 ether;

    uint256[] internal tableKeys;
    uint256[] internal tableAmounts;

    function _cycle() internal view virtual returns (HopSpec[] memory);
    function _touched() internal view virtual returns (address pool, bool v3);
    function _victim(uint256 usdcIn) internal virtual;

    function setUp() public override {
        super.setUp();
        (address pool, bool v3) = _touched();
        HopSpec[] memory hops = _cycle();
        // In memory: reverting to the snapshot also reverts this contract's storage.
        uint256[] memory keys = new uint256[](POINTS);
        uint256[] memory amounts = new uint256[](POINTS);
        for (uint256 i; i < POINTS; ++i) {
            uint256 snapshot = vm.snapshotState();
            uint256 size = MAX_VICTIM_USDC * i / (POINTS - 1);
            if (size != 0) _victim(size);
            (amounts[i],) = _bruteForceOptimum(hops, CEILING);
            keys[i] = _keyOf(pool, v3);
            vm.revertToState(snapshot);
        }
        // Keys strictly increasing (the executor's rule): the victim moves the key one way, so sort once.
        for (uint256 i = 1; i < POINTS; ++i) {
            for (uint256 j = i; j > 0 && keys[j - 1] > keys[j]; --j) {
                (keys[j - 1], keys[j]) = (keys[j], keys[j - 1]);
                (amounts[j - 1], amounts[j]) = (amounts[j], amounts[j - 1]);
            }
        }
        (tableKeys, tableAmounts) = (keys, amounts);
    }

    /// @dev Victim of `usdcIn`, then executeSized; returns realised profit and the brute-force optimum (scaled 1e4).
    function _capture(uint256 usdcIn) internal returns (uint256 realised, uint256 optimum) {
        _victim(usdcIn);
        (address pool,) = _touched();
        HopSpec[] memory hops = _cycle();
        uint256 hopIndex = hops[0].pool == pool ? 0 : 1;
        (, int256 best) = _bruteForceOptimum(hops, CEILING);
        uint256 before = _wethOf(address(executor));
        bytes memory plan = _plan(false, block.number, CEILING, 0, 0, 0, hops);
        vm.prank(operator);
        executor.executeSized(plan, _sizing(pool, hopIndex, 0, tableKeys, tableAmounts));
        realised = _wethOf(address(executor)) - before;
        optimum = uint256(best);
    }

    function testFuzz_executeSized_randomVictimCapturesOptimum(uint256 usdcIn) public {
        usdcIn = bound(usdcIn, 1 ether, MAX_VICTIM_USDC); // from 1 USDC: dust buys nothing and the pools refuse it
        (uint256 realised, uint256 optimum) = _capture(usdcIn);
        assertGt(optimum, 0);
        assertGe(realised * 10_000, optimum * 9_800, "captured below 98% of the brute-force optimum");
    }

    /// @dev Eight victims of sizes off the grid; logs the smallest capture (basis points) for the report.
    function test_executeSized_capturesOptimumOffGrid() public {
        uint256 worst = type(uint256).max;
        for (uint256 i; i < 8; ++i) {
            uint256 usdcIn = 1 ether + uint256(keccak256(abi.encode("victim", i))) % MAX_VICTIM_USDC;
            uint256 snapshot = vm.snapshotState();
            (uint256 realised, uint256 optimum) = _capture(usdcIn);
            vm.revertToState(snapshot);
            assertGt(optimum, 0);
            uint256 bps = realised * 10_000 / optimum;
            if (bps < worst) worst = bps;
        }
        emit log_named_uint("worst capture of the brute-force optimum, bps", worst);
        assertGe(worst, 9_800);
    }
}

/// @dev V2: the victim buys WETH with USDC on SushiSwap (pushing its WETH price further above Uniswap's).
contract ExecutorSizedCaptureV2Test is SizedCaptureBase {
    function _cycle() internal view override returns (HopSpec[] memory) {
        return _v2v2();
    }

    function _touched() internal view override returns (address, bool) {
        return (sushiWethUsdc, false);
    }

    function _victim(uint256 usdcIn) internal override {
        _victimV2(address(sushiRouter), usdc, address(weth), usdcIn);
    }
}

/// @dev V3: the victim buys WETH with USDC on the 0.3% pool (WETH dearer there than on the 0.05% pool).
contract ExecutorSizedCaptureV3Test is SizedCaptureBase {
    function _cycle() internal view override returns (HopSpec[] memory) {
        return _v3v3();
    }

    function _touched() internal view override returns (address, bool) {
        return (v3WethUsdc3000, true);
    }

    function _victim(uint256 usdcIn) internal override {
        _victimV3(v3WethUsdc3000, usdc, usdcIn);
    }
}
