/**
 * Ratings, the recommender's input: {@link io.reflex.recommender.data.Ratings}, a compact
 * users × items matrix on MovieLens' 0–5 scale; {@link io.reflex.recommender.data.RatingsFormat},
 * the MovieLens files a user brings ({@code ratings.csv}, {@code u.data}), with errors naming
 * {@code file:line}; and {@link io.reflex.recommender.data.SyntheticRatings}, a seeded generator of
 * ratings with latent cluster structure and Zipf popularity, for experiments without a data set.
 *
 * <p>Threading: ratings are immutable and thread-safe, and a lookup allocates nothing; the formats and
 * the generator are stateless or immutable. {@code Ratings.Builder} is for one thread.
 */
package io.reflex.recommender.data;
