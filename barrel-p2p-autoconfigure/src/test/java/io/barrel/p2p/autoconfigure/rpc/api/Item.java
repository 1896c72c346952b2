package io.barrel.p2p.autoconfigure.rpc.api;

/**
 * @param sku stock keeping unit
 * @param name what it is
 */
public record Item(String sku, String name) {}
