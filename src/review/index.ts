export { reviewQuestions, reviewWithEvidence, probability, REVIEW_DEFAULTS, type Question, type SameQuestion, type BelongsQuestion, type ReviewOptions,
  type Logistic, type Evidence } from './questions.js';
export { applyAnswers, parseAnswers, parseQuestions, type Answer, type AppliedAnswers } from './answers.js';
