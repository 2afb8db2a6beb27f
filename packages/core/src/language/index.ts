export { detectableLanguages, detectLanguage, guessLanguage } from './detect-language.js';
export { replyLanguages } from './reply-languages.js';
