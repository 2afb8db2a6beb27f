import type { Guardrail, GuardrailResult } from '../guardrail.js';
import { detectLanguage } from '../language/index.js';
import { type RegulatedTopic, regulatedTopicOf } from './regulated-advice-rules.js';

export type { RegulatedTopic } from './regulated-advice-rules.js';

const professionals: Record<string, Record<RegulatedTopic, string>> = {
  en: {
    medical:
      "I'm sorry, but we can't give medical advice. Please ask a pharmacist or a doctor about this; I've passed your message to a colleague in case there's anything about your account we can help with.",
    legal:
      "I'm sorry, but we can't give legal advice. For a question like this, please speak to a lawyer or your local business advice service. I'm happy to help with anything about your account.",
    financial:
      "I'm sorry, but we can't give financial or tax advice. An accountant or tax advisor is the right person for this. I'm happy to explain how it shows up in your account.",
  },
  es: {
    medical:
      'Lo siento, pero no podemos dar consejos médicos. Consulta a un farmacéutico o a un médico; he pasado tu mensaje a un compañero por si hay algo de tu cuenta en lo que podamos ayudar.',
    legal:
      'Lo siento, pero no podemos dar asesoramiento legal. Para una consulta así, habla con un abogado o asesor. Con gusto te ayudo con cualquier cosa sobre tu cuenta.',
    financial:
      'Lo siento, pero no podemos dar asesoramiento financiero ni fiscal. Un gestor o asesor fiscal es la persona indicada. Con gusto te explico cómo se refleja en tu cuenta.',
  },
  de: {
    medical:
      'Es tut mir leid, aber wir können keine medizinische Beratung geben. Bitte fragen Sie dazu in der Apotheke oder Ihren Arzt; ich habe Ihre Nachricht an einen Kollegen weitergegeben.',
    legal:
      'Es tut mir leid, aber wir dürfen keine Rechtsberatung geben. Bitte wenden Sie sich dafür an einen Anwalt. Bei allem, was Ihr Konto betrifft, helfe ich gern.',
    financial:
      'Es tut mir leid, aber wir können keine Finanz- oder Steuerberatung geben. Dafür ist Ihr Steuerberater die richtige Adresse. Gern erkläre ich, wie es in Ihrem Konto aussieht.',
  },
  fr: {
    medical:
      "Je suis désolé, mais nous ne pouvons pas donner de conseil médical. Demandez à un pharmacien ou à un médecin ; j'ai transmis votre message à un collègue.",
    legal:
      'Je suis désolé, mais nous ne pouvons pas donner de conseil juridique. Pour ce type de question, adressez-vous à un avocat. Je reste à votre disposition pour tout ce qui concerne votre compte.',
    financial:
      'Je suis désolé, mais nous ne pouvons pas donner de conseil financier ou fiscal. Un expert-comptable est la bonne personne pour cela. Je peux vous expliquer comment cela apparaît dans votre compte.',
  },
};

/**
 * Recognises requests for medical, legal or financial/tax advice in English, Spanish, German,
 * French, Dutch, Italian and Portuguese with hand-written rules ({@link regulatedTopicOf}: a topic
 * plus a request for judgement, product how-to questions excepted; recall and precision on a
 * labelled set are in the core README) and declines them with a pointer to a professional, or escalates to a human. By default medical
 * questions escalate (a person should see them) and legal/financial ones are declined.
 *
 * @example
 * ```ts
 * const legal = withGuardrails(createRetrievalAgent({ card, articles }), [regulatedAdviceGuardrail()]);
 * ```
 */
export function regulatedAdviceGuardrail(
  options: {
    topics?: readonly RegulatedTopic[];
    actions?: Partial<Record<RegulatedTopic, 'decline' | 'escalate'>>;
    /** Replies per language and topic, replacing the built-in ones (keys: BCP 47 tags). */
    replies?: Record<string, Record<RegulatedTopic, string>>;
  } = {},
): Guardrail {
  const topics = options.topics ?? (['medical', 'legal', 'financial'] as const);
  const actions: Record<RegulatedTopic, 'decline' | 'escalate'> = {
    medical: 'escalate',
    legal: 'decline',
    financial: 'decline',
    ...options.actions,
  };
  return {
    name: 'regulated-advice',
    check(input): GuardrailResult {
      const topic = regulatedTopicOf(input.task.goal);
      if (topic && topics.includes(topic)) {
        const language = input.task.language ?? detectLanguage(input.task.goal);
        const table = { ...professionals, ...options.replies };
        const replies = table[language] ?? table.en ?? professionals.en!;
        return {
          triggered: true,
          action: actions[topic],
          reason: `asks for ${topic} advice`,
          reply: replies[topic],
        };
      }
      return { triggered: false, reason: 'no regulated advice requested' };
    },
  };
}
