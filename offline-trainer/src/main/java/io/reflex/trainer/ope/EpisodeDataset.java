package io.reflex.trainer.ope;

import java.util.List;

/**
 * Logged episodes (sequences of decisions) for sequential off-policy evaluation. Step {@code t} of
 * an episode is its {@code t}-th decision; each step has a context, the action taken with its
 * propensity, and the reward that followed it. Episodes may differ in length; one that ended is
 * treated as absorbed with reward 0 afterwards.
 *
 * <p>Immutable by convention (arrays handed over, not copied); thread-safe for reading.
 *
 * @param actionCount the number of actions at every step
 * @param episodes    the episodes, each with at least one step
 */
public record EpisodeDataset(int actionCount, List<Episode> episodes) {

    /**
     * One episode.
     *
     * @param contexts     per step, the features
     * @param actions      per step, the action taken
     * @param rewards      per step, the reward that followed
     * @param propensities per step, the logging probability of the action, in (0, 1]
     */
    public record Episode(float[][] contexts, int[] actions, double[] rewards, double[] propensities) {

        public Episode {
            int n = contexts.length;
            if (n == 0 || actions.length != n || rewards.length != n || propensities.length != n) {
                throw new IllegalArgumentException("an episode needs >= 1 step and one action, reward and propensity per step");
            }
        }

        /** Steps in the episode. */
        public int length() {
            return contexts.length;
        }
    }

    public EpisodeDataset {
        episodes = List.copyOf(episodes);
        if (actionCount < 1) {
            throw new IllegalArgumentException("need at least one action, got " + actionCount);
        }
        int width = episodes.isEmpty() ? 0 : episodes.getFirst().contexts()[0].length;
        for (int e = 0; e < episodes.size(); e++) {
            Episode ep = episodes.get(e);
            for (int t = 0; t < ep.length(); t++) {
                if (ep.contexts()[t].length != width) {
                    throw new IllegalArgumentException("episode " + e + " step " + t + ": features has "
                            + ep.contexts()[t].length + " values, the first step " + width);
                }
                if (ep.actions()[t] < 0 || ep.actions()[t] >= actionCount) {
                    throw new IllegalArgumentException("episode " + e + " step " + t + ": action " + ep.actions()[t]
                            + " is outside [0, " + actionCount + ")");
                }
                double p = ep.propensities()[t];
                if (!(p > 0 && p <= 1)) {
                    throw new IllegalArgumentException("episode " + e + " step " + t + ": propensity " + p
                            + " is outside (0, 1]");
                }
                if (!Double.isFinite(ep.rewards()[t])) {
                    throw new IllegalArgumentException("episode " + e + " step " + t + ": reward is not finite");
                }
            }
        }
    }

    public int size() {
        return episodes.size();
    }

    /** The longest episode's length. */
    public int horizon() {
        int h = 0;
        for (Episode e : episodes) {
            h = Math.max(h, e.length());
        }
        return h;
    }

    /** Decisions over all episodes. */
    public long decisions() {
        long n = 0;
        for (Episode e : episodes) {
            n += e.length();
        }
        return n;
    }

    /** Features per step (0 when empty). */
    public int featureCount() {
        return episodes.isEmpty() ? 0 : episodes.getFirst().contexts()[0].length;
    }

    /** The mean discounted return of the logged episodes: the logging policy's on-policy value. */
    public double meanReturn(double gamma) {
        double s = 0;
        for (Episode e : episodes) {
            double g = 1;
            for (double r : e.rewards()) {
                s += g * r;
                g *= gamma;
            }
        }
        return episodes.isEmpty() ? Double.NaN : s / episodes.size();
    }
}
