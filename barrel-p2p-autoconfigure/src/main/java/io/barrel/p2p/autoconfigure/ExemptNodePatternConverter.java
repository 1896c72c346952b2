package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.transport.auth.ExemptNodePattern;
import org.springframework.core.convert.converter.Converter;

/** Reads {@code barrel.p2p.auth.exempt-nodes} entries ({@code name@host}, either half may be {@code *}). */
public final class ExemptNodePatternConverter implements Converter<String, ExemptNodePattern> {

  @Override
  public ExemptNodePattern convert(String source) {
    return ExemptNodePattern.parse(source.trim());
  }
}
