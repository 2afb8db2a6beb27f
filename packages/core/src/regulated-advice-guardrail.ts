import type { Guardrail, GuardrailResult } from './guardrail.js';
import { detectLanguage } from './language/index.js';

/** The kinds of regulated advice the guardrail recognises. */
export type RegulatedTopic = 'medical' | 'legal' | 'financial';

// Phrases that ask for professional judgement, in the languages the corpus covers. Matching is on
// accent-folded lower case. Patterns name the *advice-seeking* form ("can I legally", "should I take
// the loan") so that factual product questions ("where is my VAT invoice") pass.
const patterns: Record<RegulatedTopic, RegExp[]> = {
  medical: [
    /\b(ibuprofen|paracetamol|aspirin|antibiotic|antihistamin|medication|medicine|medicines|dosage|dose|overdose|prescription|side effects?|allergic reaction|allergy|pregnan\w*|symptoms?|rash|supplements?)\b/,
    /\b(medicamento|dosis|receta|alergia|sintomas|embarazada|medikament\w*|dosierung|nebenwirkung\w*|allergisch\w*|schwanger|medicament\w*|posologie|ordonnance|allergique|enceinte|effets secondaires|farmac\w*|medicin\w*)\b/,
  ],
  legal: [
    /\b(is (it|this|that) (legal|illegal|allowed)|can i legally|am i (legally )?allowed to|legally (required|allowed|obliged)|sue\b|lawsuit|lawyer|attorney|employment law|labou?r law|wrongful|unfair dismissal|fire (an?|my|the) (employee|cashier|staff|barista)|dock\b[\w\s'’]{0,25}\b(pay|wages?|salary)|deduct\b[\w\s'’]{0,25}\bfrom (his|her|their|the) (pay|wages?|salary|paycheck)|landlord|my lease|the lease|tenancy|contract dispute|breach of contract|liab(le|ility) (for|if)|gdpr fine)\b/,
    /\b(es legal|abogad\w*|despedir|demandar|contrato de alquiler|arrendador|derecho laboral|ist das (legal|erlaubt)|darf ich\b.*\b(mitarbeiter|kundin|kunden|lohn)|anwalt|arbeitsrecht|kundigen|kundigung|mietvertrag|vermieter|abmahnung|est-ce legal|ai-je le droit|avocat|licencier|licenciement|droit du travail|bail commercial|proprietaire|prud'?hom\w*)\b/,
  ],
  financial: [
    /\b(should i (take|get|accept|choose|use) (the|a|an)? ?(loan|advance|capital|credit|mortgage|bank loan)|loan or|better (deal|option) than (a|the|my) bank|tax[- ]deduct\w*|deductible|write (it|this|them) off|write-off|depreciat\w*|which vat rate should|what vat rate (should|do) i|how much tax (should|do) i|invest(ment)? advice|should i invest|tax advice|tax return|income tax)\b/,
    /\b(deducir|desgravar|prestamo o|deberia (pedir|aceptar|coger)|que tipo de iva (debo|tengo)|absetzen|steuerlich|welchen mehrwertsteuersatz (soll|muss)|kredit oder|sollte ich (den|einen) (kredit|vorschuss)|deductible|deduire|quel taux de tva (dois|faut)|pret ou|devrais-je (prendre|accepter))\b/,
  ],
};

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
 * Recognises requests for medical, legal or financial/tax advice (English, Spanish, German, French)
 * and declines them with a pointer to a professional, or escalates to a human. By default medical
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
      const text = input.task.goal.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
      for (const topic of topics) {
        if (patterns[topic].some((pattern) => pattern.test(text))) {
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
      }
      return { triggered: false, reason: 'no regulated advice requested' };
    },
  };
}
