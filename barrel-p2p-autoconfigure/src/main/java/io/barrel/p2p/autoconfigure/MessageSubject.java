package io.barrel.p2p.autoconfigure;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Which setting a core refusal is about. The core's configuration records explain a bad value in
 * their own words, starting with the setting: {@code "max attempts must be 1..10"},
 * {@code "maxConcurrentPerInstance must be 0 (no cap) or more"}, {@code "rpc.drain-timeout must not
 * be negative"}, {@code "a tag filter must not contain an empty tag"}. This finds the property among
 * candidate kebab-case names so a startup failure can name it.
 */
final class MessageSubject {

  private MessageSubject() {}

  /**
   * The candidate the message starts with, longest first; a candidate matches in the singular too
   * ({@code tags} for "a tag filter"). Candidates may be dotted ({@code outliers.max-ejection}); only
   * their last part is matched.
   */
  static Optional<String> find(String message, Collection<String> candidates) {
    if (message == null) {
      return Optional.empty();
    }
    String text = normalise(message);
    String best = null;
    int bestLength = -1;
    for (String candidate : candidates) {
      String leaf = candidate.substring(candidate.lastIndexOf('.') + 1);
      for (String form : new String[] {leaf, leaf.endsWith("s") ? leaf.substring(0, leaf.length() - 1) : leaf}) {
        String words = form.replace('-', ' ');
        if ((text.equals(words) || text.startsWith(words + " ")) && words.length() > bestLength) {
          best = candidate;
          bestLength = words.length();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** Lower case words: the first token's camel case and dotted prefix undone, a leading article dropped. */
  private static String normalise(String message) {
    String trimmed = message.strip();
    int space = trimmed.indexOf(' ');
    String first = space < 0 ? trimmed : trimmed.substring(0, space);
    String rest = space < 0 ? "" : trimmed.substring(space);
    first = first.substring(first.lastIndexOf('.') + 1);
    String text = (CoreDefaultProperties.kebab(first).replace('-', ' ') + rest).toLowerCase(Locale.ROOT);
    for (String article : new String[] {"a ", "an ", "the "}) {
      if (text.startsWith(article)) {
        return text.substring(article.length());
      }
    }
    return text;
  }
}
