// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Sizing tables packed as src/bundle/sizing.ts packs them (layout in Sizing.sol), for the executor's tests.
library SizingTables {
    /// @dev pool | hopIndex u8 | builderShareBps u16 | count u8 | (key u160, amount u128)*. A V2/V3 table.
    function plain(address pool, uint256 hopIndex, uint256 shareBps, uint256[] memory keys, uint256[] memory amounts)
        internal
        pure
        returns (bytes memory sizing)
    {
        sizing = abi.encodePacked(pool, uint8(hopIndex), uint16(shareBps), uint8(keys.length));
        for (uint256 i; i < keys.length; ++i) sizing = abi.encodePacked(sizing, uint160(keys[i]), uint128(amounts[i]));
    }

    /// @dev Two values as a memory array (the tables' keys and amounts).
    function pair(uint256 a, uint256 b) internal pure returns (uint256[] memory out) {
        out = new uint256[](2);
        (out[0], out[1]) = (a, b);
    }
}
