package io.barrel.p2p.sample;

/**
 * @param product the product, as the catalog gave it (with the node that served it)
 * @param quantity how many
 * @param totalCents the price of them all, in cents
 * @param quotedBy the node whose order desk made the quote
 */
public record Quote(Product product, int quantity, long totalCents, String quotedBy) {}
