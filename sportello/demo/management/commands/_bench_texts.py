"""Italian text for `seed_bench`: what customers and operators of an ERP vendor write.

A fixed set of texts is enough: the benchmark needs realistic lengths, line breaks and
links (what `render_plain_text` works on), not unique prose. Each text is rendered once.
"""

FIRST_NAMES = [
    "Marco", "Giulia", "Luca", "Francesca", "Alessandro", "Chiara", "Andrea", "Sara", "Matteo", "Valentina",
    "Davide", "Elena", "Simone", "Martina", "Federico", "Alessia", "Stefano", "Laura", "Roberto", "Silvia",
    "Paolo", "Anna", "Giorgio", "Roberta", "Fabio", "Monica", "Riccardo", "Elisa", "Daniele", "Paola",
    "Lorenzo", "Barbara", "Nicola", "Cristina", "Emanuele", "Federica", "Massimo", "Ilaria", "Antonio", "Serena",
]  # fmt: skip

LAST_NAMES = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
]  # fmt: skip

COMPANY_ACTIVITIES = [
    "Meccanica", "Impianti", "Logistica", "Alimentari", "Tessile", "Costruzioni", "Elettronica", "Arredamenti",
    "Trasporti", "Distribuzione", "Ceramiche", "Plastica", "Serramenti", "Packaging", "Farmaceutica", "Vini",
    "Automazione", "Forniture", "Commerciale", "Servizi", "Metalli", "Calzature", "Editoriale", "Agricola",
]  # fmt: skip

LEGAL_FORMS = ["S.r.l.", "S.r.l.", "S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "S.r.l.s.", "Soc. Coop."]

# Provincial office codes of the partita IVA (the three digits before the check digit).
VAT_OFFICES = ["015", "017", "037", "048", "058", "063", "072", "081", "098", "021", "024", "026"]

TITLES = [
    "Domanda su esito Fattura Elettronica",
    "Scarto SDI su fattura emessa",
    "Errore nella stampa del registro IVA",
    "Liquidazione IVA periodica non quadra",
    "Ritenute d'acconto: certificazione unica da rigenerare",
    "Cespiti: ammortamento non calcolato",
    "Intrastat: file telematico rifiutato",
    "Contabilità analitica: centri di costo mancanti",
    "Tesoreria: estratto conto bancario non importato",
    "Ordine cliente bloccato in evasione",
    "Giacenze di magazzino errate dopo inventario",
    "CRM: attività non visibili agli agenti",
    "Produzione: distinta base non aggiornata",
    "Logistica: etichette spedizione non stampano",
    "Listini di vendita non applicati",
    "Provvigioni agenti calcolate male",
    "DDT non trasformati in fattura",
    "Backup notturno fallito",
    "Stampante di rete non raggiungibile dal gestionale",
    "Lentezza all'apertura del programma",
    "Antivirus blocca l'aggiornamento",
    "Server: spazio disco quasi esaurito",
    "Nuovo PC da configurare per l'ERP",
    "Accesso negato al modulo contabilità",
    "Aggiornamento alla nuova versione",
    "Richiesta appuntamento per formazione",
    "Esportazione dati verso Excel non funziona",
    "Bilancio: riclassificazione da rivedere",
    "Scadenzario fornitori non allineato",
    "Ricevute bancarie: file RiBa non accettato",
    "Conservazione sostitutiva: pacchetti in errore",
    "Modulo GPV: tentata vendita non sincronizza",
    "Errore di connessione al database",
    'Messaggio "record bloccato da altro utente"',
    "Codici articolo duplicati",
    "Nota di credito non collegata alla fattura",
]

DESCRIPTIONS = [
    'Buongiorno, apro il programma consolle fattura elettronica, lancio la funzione "controlla status fatture" '
    "e ricevo uno scarto sulla fattura emessa F/1025.\nC'è un modo per verificare la motivazione di scarto?\n\n"
    "Grazie.",
    "Buongiorno,\nda questa mattina la stampa del registro IVA vendite si interrompe a metà con un errore generico."
    "\nAllego la schermata dell'errore.\nCordiali saluti",
    "Salve, la liquidazione IVA di marzo non corrisponde ai registri: mancano circa 1.200 euro a debito.\n"
    "Abbiamo già provato a ricalcolare i progressivi senza risultato.",
    "Buongiorno, dobbiamo rigenerare le certificazioni uniche perché un professionista ci ha segnalato un importo "
    "errato.\nCome possiamo procedere senza perdere gli invii già fatti?",
    "Dopo l'aggiornamento di ieri sera il calcolo degli ammortamenti non considera i cespiti acquistati a fine anno."
    "\nPotete verificare?",
    "Il file Intrastat generato viene rifiutato dal portale delle Dogane con l'errore \"record di tipo 2 non "
    'valido".\nLa scadenza è tra tre giorni.',
    "Buongiorno,\nl'importazione dell'estratto conto in formato CBI si blocca al 40% senza messaggi.\n"
    "Il file è stato scaricato stamattina dall'home banking.\nGrazie per il supporto.",
    "L'ordine cliente n. 2024/1187 risulta bloccato: non riusciamo a evaderlo perché il programma segnala "
    '"quantità impegnata superiore alla disponibile", ma la merce è a magazzino.',
    "Dopo l'inventario di fine anno le giacenze di alcuni articoli risultano negative.\n"
    "Vi chiediamo come rettificare senza alterare la valorizzazione.",
    "Gli agenti non vedono più le attività pianificate nel CRM dall'app sul tablet.\n"
    "Da PC invece sono visibili.\nGrazie",
    "Buongiorno, la distinta base dell'articolo PRD-450 non si aggiorna dopo la modifica dei componenti.\n"
    "I costi standard restano quelli vecchi.",
    "Le etichette dei corrieri non vengono più stampate dalla postazione del magazzino.\n"
    "La stampante termica è accesa e stampa la pagina di prova.",
    "I listini promozionali di aprile non vengono applicati agli ordini inseriti dagli agenti.\n"
    "Sul gestionale in sede invece funzionano.",
    'Il backup notturno è fallito due volte questa settimana.\nNel log compare "accesso negato alla cartella di '
    'destinazione".\nPotete controllare da remoto?',
    "Da lunedì il gestionale impiega più di due minuti ad aprirsi su tutte le postazioni.\n"
    "Il problema riguarda circa 15 utenti.",
    "L'antivirus blocca l'installazione dell'ultimo aggiornamento del client.\n"
    "Quali cartelle dobbiamo escludere dalla scansione?",
    "Buongiorno, vorremmo fissare un appuntamento per la formazione sul nuovo modulo di contabilità analitica "
    "per tre colleghe dell'amministrazione.\nSiamo disponibili la prossima settimana.",
    "L'esportazione dei movimenti contabili verso Excel produce un file vuoto.\n"
    "Con la versione precedente funzionava correttamente.",
    'Il file RiBa generato viene rifiutato dalla banca: "record 14 lunghezza errata".\nAllego il file per verifica.',
    "I pacchetti di conservazione del mese scorso risultano in errore sul portale del conservatore.\n"
    "Potete indicarci come reinviarli?",
    'Messaggio "record bloccato da altro utente" aprendo l\'anagrafica clienti, anche se nessuno la sta usando.\n'
    "Succede da stamattina.",
    "La nota di credito NC/58 non risulta collegata alla fattura F/1310 e lo scadenzario mostra ancora il credito "
    "aperto.\nCome possiamo collegarle?",
    "Buongiorno,\nabbiamo un nuovo PC per l'ufficio acquisti: ci serve l'installazione del client e la "
    "configurazione delle stampanti.\nIl PC è già in rete.",
    'Errore di connessione al database all\'avvio: "timeout scaduto".\nIl server risponde al ping.\n'
    "Vedi anche la guida https://assistenza.example.com/kb/connessione-database",
]

CUSTOMER_REPLIES = [
    "Grazie, provo subito e vi faccio sapere.",
    "Ho provato come indicato ma il problema si ripresenta.",
    "Buongiorno, ci sono novità?",
    "Perfetto, ora funziona. Grazie mille!",
    "Allego la schermata dell'errore che compare dopo l'operazione.",
    "Il problema si presenta solo su alcune postazioni, non su tutte.",
    "Potete richiamarmi al numero dell'ufficio? Sono disponibile fino alle 17.",
    "Abbiamo riavviato il server come suggerito, ma l'errore rimane.\nAttendo indicazioni.",
    "Confermo che con l'utente amministratore funziona, con gli altri no.",
    "La scadenza è imminente, vi chiediamo gentilmente di dare priorità alla richiesta.",
    "Ho seguito la guida https://assistenza.example.com/kb/aggiornamento ma al punto 4 ricevo un errore.",
    "Buongiorno,\nsollecito la richiesta: il blocco impedisce la fatturazione di oggi.\nGrazie.",
    "Va bene, restiamo in attesa dell'aggiornamento.",
    "Vi confermo che il collega ha risolto. Potete chiudere.",
    "Ecco i dati richiesti:\n- versione 2024.2.1\n- sistema operativo Windows 11\n- 12 utenti collegati",
    "Non trovo la voce di menu che indicate: forse abbiamo una versione diversa?",
    "Ok, possiamo fare la sessione remota domani alle 10.",
    "Il file è troppo grande per l'email, lo carico qui in allegato.",
]

OPERATOR_REPLIES = [
    "Buongiorno, abbiamo preso in carico la richiesta. Vi aggiorniamo a breve.",
    "Può indicarci la versione del programma installata? La trova in Aiuto > Informazioni.",
    "Abbiamo verificato: si tratta di un problema noto, corretto nella versione 2024.2.3.\n"
    "Le consigliamo di aggiornare seguendo https://assistenza.example.com/kb/aggiornamento",
    'Provi a eseguire la funzione "Ricalcolo progressivi" dal menu Utilità e ci faccia sapere.',
    "Le abbiamo inviato le istruzioni per la sessione remota.",
    "Abbiamo corretto la configurazione da remoto: può riprovare?",
    "Il rifiuto dipende dal codice fiscale del cliente nel tracciato.\nCorregga l'anagrafica e rigeneri il file.",
    "Ci serve il file di log: lo trova nella cartella Log dell'installazione. Può allegarlo qui?",
    "La segnalazione è stata passata allo sviluppo: la aggiorneremo appena disponibile la correzione.",
    "Buongiorno,\nla procedura corretta è:\n1. aprire Contabilità > Registri\n2. scegliere il periodo\n"
    "3. confermare la ristampa.\nCordiali saluti",
    "Il problema era dovuto a un blocco rimasto attivo sul record. Lo abbiamo rimosso.",
    "Per la formazione proponiamo martedì alle 14:30, durata due ore. Le va bene?",
    "Abbiamo rilasciato una patch: la trova a https://download.example.com/patch/2024-2-4",
    "Chiudiamo la richiesta; se il problema si ripresenta risponda pure a questo ticket.",
    "Stiamo ancora analizzando il caso con i colleghi dello sviluppo.",
    'Verifichi che il servizio "Sportello Agent" sia avviato sul server e riprovi.',
]

INTERNAL_NOTES = [
    "Cliente con contratto di assistenza premium: priorità alta.",
    "Stesso problema segnalato da altri clienti dopo l'aggiornamento 2024.2.",
    "Passato allo sviluppo, riferimento interno BUG-4471.",
    "Richiamato il cliente, non risponde. Riprovo nel pomeriggio.",
    "Verificato in ambiente di test: riproducibile.",
    "Attenzione: il cliente usa ancora un server con sistema operativo non supportato.",
]

ERP_PROGRAMS = [
    ("Contabilità", "2024.2.1"),
    ("Magazzino", "2024.1.7"),
    ("Fatturazione", "2024.2.3"),
    ("CRM", "2023.4.2"),
]
ERP_ERRORS = [
    "Errore 1205: transaction was deadlocked on lock resources",
    "Errore di runtime 91: variabile oggetto o variabile del blocco With non impostata",
    "Timeout scaduto. Il periodo di timeout è scaduto prima del completamento dell'operazione.",
]

# The small set of real files every attachment row points to: name, kind, size in bytes.
ATTACHMENT_FILES = [
    ("schermata_errore.png", "png", 48_000),
    ("registro_iva_marzo.pdf", "pdf", 180_000),
    ("fattura_F1025.xml", "xml", 9_000),
    ("log_applicazione.txt", "txt", 65_000),
    ("estratto_conto.csv", "csv", 22_000),
    ("distinta_base.xlsx", "bin", 35_000),
    ("intrastat.cee", "txt", 4_000),
    ("configurazione.zip", "bin", 250_000),
    ("foto_etichetta.jpg", "bin", 120_000),
    ("riba_aprile.txt", "txt", 12_000),
]
