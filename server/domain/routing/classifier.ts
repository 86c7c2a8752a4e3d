import type { Classification, Classifier, FeatureContribution, SiteAdaptation } from './classification';
import { blockScale, countFeatures, isPlaceholder, isStopWord, normalizeTokens, visitFeatures, type FeatureBlock } from './featurize';
import { createLanguageIdentifier, OTHER_LANGUAGE } from './language';
import { parseRouterModel, type RouterModel } from './router-model';

/** Features listed behind each decision. */
export const EXPLAINED_FEATURES = 5;

/** What the classifier answers when it cannot read the text at all. */
const NO_DECISION: Classification = Object.freeze({
  label: 'service',
  confidence: 0.5,
  uncertain: true,
  why: 'no-words',
  features: [],
  language: null,
}) as Classification;

/**
 * Text the identifier names as another language is read anyway when at least this share of its
 * words are known: short English openers full of brand words ("staking rewards werent credited")
 * can look foreign to trigrams, and the words say otherwise.
 */
const OTHER_LANGUAGE_KNOWN_WORDS = 0.7;

/** Under this posterior the language identifier's guess is not reported. */
const MIN_LANGUAGE_CONFIDENCE = 0.5;

/**
 * Builds the router's classifier from a trained model (the parsed `model.json`, or any file
 * written by `npm run train`). The model is validated first: a wrong or damaged file throws an
 * `Error` that says what is wrong. `classify` itself never throws.
 *
 * Each decision lists its strongest features: a word (its unigram weight plus the weights of its
 * character n-grams, which is how "crashs" still pulls like "crashes") or a bigram ("not working").
 * Positive weights pull towards `support`.
 *
 * @example
 * const classifier = createClassifier(JSON.parse(readFileSync(modelPath, 'utf8')));
 * classifier.classify('app crashes on login error 0x80070005'); // { label: 'support', … }
 */
export function createClassifier(model: RouterModel): Classifier {
  const valid = parseRouterModel(model);
  const { minKnownWords } = valid;
  const english = scorerOf(valid);
  const multilingual = valid.multilingual ? scorerOf(valid.multilingual) : english;
  const languages = createLanguageIdentifier(valid.languages);

  function decide(input: string, adaptation: SiteAdaptation | undefined): Classification {
    const text = typeof input === 'string' ? input : '';
    const tokens = normalizeTokens(text);
    // English text is read by the model trained on English alone, so adding languages cannot move
    // an English decision; the others by the model trained on all five (docs/router.md).
    const guess = languages.identify(text);
    const sure = guess.language !== null && guess.confidence >= MIN_LANGUAGE_CONFIDENCE;
    const { tables, bias, scale: temperature, threshold } = sure && guess.language !== 'en' && guess.language !== OTHER_LANGUAGE ? multilingual : english;
    const counts = countFeatures(tokens);
    const scale: Record<FeatureBlock, number> = { word: blockScale(counts.word), char: blockScale(counts.char) };
    const wordNames: string[] = [];
    const wordPulls: number[] = [];
    const spellingPulls = new Float64Array(tokens.length);
    let score = bias;
    // A site's own weights are in log-odds, added after the temperature (site-learning.ts fits
    // them with the shared decision as a fixed offset); reported beside the shared ones.
    const site = adaptation?.weights;
    let siteScore = 0;
    visitFeatures(tokens, (feature, block, token) => {
      const shared = tables[block].get(feature) ?? 0;
      const extra = site !== undefined && block === 'word' ? (site.get(feature) ?? 0) * scale.word : 0;
      if (shared === 0 && extra === 0) return;
      const pull = shared * scale[block];
      score += pull;
      siteScore += extra;
      if (block === 'char') spellingPulls[token] = (spellingPulls[token] as number) + pull;
      else {
        wordNames.push(feature);
        // Reported in the shared weights' units: `explain` multiplies by the temperature.
        wordPulls.push(pull + extra / temperature);
      }
    });

    // Out-of-vocabulary guard: languages the router does not read, keyboard mashing and code get
    // weights that mean nothing, so a text is uncertain when it has no content word, or when too
    // few of its words are function words or words seen in training (or in the site's corrections).
    let words = 0;
    let content = 0;
    let known = 0;
    for (const token of tokens) {
      if (isPlaceholder(token)) continue;
      words++;
      if (isStopWord(token)) known++;
      else {
        content++;
        if (tables.word.has(token) || site?.has(token)) known++;
      }
    }
    // A language the identifier names as none of the router's (OTHER_LANGUAGE), or whose words
    // are mostly unknown, is not read at all: its weights would mean nothing.
    const share = words > 0 ? known / words : 1;
    const foreign = share < minKnownWords || (sure && guess.language === OTHER_LANGUAGE && share < OTHER_LANGUAGE_KNOWN_WORDS);
    const language = sure && !foreign ? guess.language : null;

    const probability = sigmoid(temperature * score + siteScore);
    const label = probability > 0.5 ? 'support' : 'service';
    const confidence = Math.max(probability, 1 - probability);
    const why = content === 0 ? 'no-words' : foreign ? 'language' : confidence < threshold ? 'unsure' : undefined;
    const features = explain(tokens, wordNames, wordPulls, spellingPulls, label === 'support' ? 1 : -1, temperature);
    return { label, confidence, uncertain: why !== undefined, ...(why ? { why } : {}), features, language };
  }

  /** The strongest pulls in the direction of the decision, merged by name, strongest first. */
  function explain(
    tokens: readonly string[],
    wordNames: readonly string[],
    wordPulls: readonly number[],
    spellingPulls: Float64Array,
    direction: 1 | -1,
    temperature: number,
  ): FeatureContribution[] {
    const merged = new Map<string, number>();
    wordNames.forEach((name, i) => merged.set(name, (merged.get(name) ?? 0) + (wordPulls[i] as number)));
    spellingPulls.forEach((pull, i) => {
      if (pull === 0) return;
      // A word's character n-grams are reported under the word itself, added to its unigram.
      const name = tokens[i] as string;
      merged.set(name, (merged.get(name) ?? 0) + pull);
    });
    const features: FeatureContribution[] = [];
    for (const [feature, pull] of merged) {
      if (pull * direction > 0) features.push({ feature, weight: Math.round(pull * temperature * 1000) / 1000 });
    }
    features.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1));
    return features.slice(0, EXPLAINED_FEATURES).filter((f) => f.weight !== 0);
  }

  return {
    classify(text: string, adaptation?: SiteAdaptation): Classification {
      try {
        return decide(text, adaptation);
      } catch {
        // Normalisation is total and the model was validated, so this is a safety net only:
        // a router that throws would drop the visitor's message.
        return { ...NO_DECISION, features: [] };
      }
    },
  };
}

interface Scorer {
  tables: Record<FeatureBlock, Map<string, number>>;
  bias: number;
  scale: number;
  threshold: number;
}

function scorerOf(part: Pick<RouterModel, 'weights' | 'bias' | 'scale' | 'threshold'>): Scorer {
  return {
    tables: { word: new Map(Object.entries(part.weights.word)), char: new Map(Object.entries(part.weights.char)) },
    bias: part.bias,
    scale: part.scale,
    threshold: part.threshold,
  };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
