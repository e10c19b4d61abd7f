/**
 * Example: serving the TPGR recommender ({@code io.reflex.recommender}) over HTTP.
 * {@link io.reflex.examples.recommend.RecommendationHttpService} opens sessions, recommends the next
 * item with its propensity (never repeating an item within a session) and takes the user's reward as
 * feedback. The model is trained at start-up on seeded synthetic ratings.
 *
 * <p>Threading: requests run on a pool of four threads. The library's deciders are one per deciding
 * thread, so a request borrows one from a pool for its length; a session is locked while a request
 * uses it.
 */
package io.reflex.examples.recommend;
