import { contentTerms, tokenize } from './text-terms.js';

const replies: Record<string, { thanks: string; greeting: string; bot: string }> = {
  en: {
    thanks: "You're welcome, glad that helped! Is there anything else I can do for you?",
    greeting: 'Hi, thanks for reaching out. How can I help?',
    bot: "I'm the virtual assistant; a colleague from the support team can take over whenever you like.",
  },
  es: {
    thanks: '¡De nada, me alegra que se haya solucionado! ¿Puedo ayudarte con algo más?',
    greeting: '¡Hola! Gracias por contactar con el soporte. ¿En qué puedo ayudarte?',
    bot: 'Soy el asistente virtual; un compañero del equipo de soporte puede atenderte cuando quieras.',
  },
  de: {
    thanks: 'Gern geschehen, freut mich, dass es geklappt hat! Kann ich sonst noch etwas für Sie tun?',
    greeting: 'Hallo, danke für Ihre Nachricht an den Support. Wie kann ich helfen?',
    bot: 'Ich bin der virtuelle Assistent; ein Kollege aus dem Support-Team kann jederzeit übernehmen.',
  },
  fr: {
    thanks: 'Avec plaisir, ravi que ce soit réglé ! Puis-je vous aider pour autre chose ?',
    greeting: 'Bonjour, merci de contacter le support. Comment puis-je vous aider ?',
    bot: "Je suis l'assistant virtuel ; un collègue de l'équipe support peut prendre le relais quand vous voulez.",
  },
};

const thanksWords = new Set([
  'thanks',
  'thank',
  'thx',
  'ty',
  'cheers',
  'gracias',
  'danke',
  'merci',
  'grazie',
  'obrigado',
  'obrigada',
  'bedankt',
  'perfect',
  'great',
  'perfecto',
  'super',
  'parfait',
  'genial',
  'worked',
  'works',
  'solved',
  'resolved',
]);
const greetingWords = new Set([
  'hi',
  'hello',
  'hey',
  'hola',
  'hallo',
  'bonjour',
  'salut',
  'ciao',
  'ola',
  'moin',
  'servus',
  'morning',
]);
const botWords = new Set(['bot', 'robot', 'human', 'person', 'ai', 'real']);

/**
 * A reply for pure small talk (thanks, greetings, "are you a bot?"), or undefined when the message
 * carries a real request. Lets a front desk answer pleasantries without searching its knowledge.
 */
export function smallTalkReply(message: string, language: string): string | undefined {
  const tokens = tokenize(message);
  if (tokens.length === 0 || tokens.length > 12) return undefined;
  const content = contentTerms(message).filter((term) => !thanksWords.has(term) && !greetingWords.has(term));
  const set = replies[language] ?? replies.en!;
  if (tokens.some((token) => botWords.has(token)) && tokens.length <= 8) return set.bot;
  if (content.length > 2) return undefined;
  if (tokens.some((token) => thanksWords.has(token))) return set.thanks;
  if (tokens.some((token) => greetingWords.has(token)) && content.length === 0) return set.greeting;
  return undefined;
}
