"""The relevance fixture of "Già risolto?" (issue 19): closed tickets of one company, as
customers of an ERP write them, with the operator's answer, and new requests with the
closed tickets a person would expect to be suggested. Each key names one closed ticket.
The requests are written in other words than the tickets they expect, as people do."""

CLOSED = {
    # Amministrativa: IVA, fatturazione elettronica, contabilità.
    "sdi_scarto_destinatario": (
        "Fattura elettronica scartata dallo SDI",
        "La fattura F/1025 è stata scartata con errore 00311: codice destinatario non valido.",
        "Correggete il codice destinatario nell'anagrafica cliente e reinviate la fattura dalla console.",
    ),
    "sdi_ricevuta_mancante": (
        "Non arriva la ricevuta di consegna delle fatture",
        "Da tre giorni le fatture inviate restano nello stato 'inviata' senza ricevuta di consegna.",
        "Lo SDI ha avuto ritardi: lanciate 'Aggiorna stato' dalla console, le ricevute arrivano entro 5 giorni.",
    ),
    "sdi_firma": (
        "Errore firma digitale sull'invio delle fatture",
        "All'invio delle fatture elettroniche compare 'certificato di firma scaduto'.",
        "Rinnovate il certificato di firma e caricatelo in Parametri > Fatturazione elettronica.",
    ),
    "sdi_fatture_passive": (
        "Fatture passive non importate",
        "Le fatture dei fornitori non compaiono nel registro acquisti.",
        "Abilitate l'importazione automatica delle fatture passive dal cassetto fiscale.",
    ),
    "iva_liquidazione": (
        "Liquidazione IVA trimestrale non torna",
        "La liquidazione IVA del trimestre dà un importo diverso da quello del registro.",
        "Una registrazione aveva la data competenza errata: correggetela e rilanciate la liquidazione.",
    ),
    "iva_registro_stampa": (
        "Stampa del registro IVA vendite interrotta",
        "La stampa del registro IVA vendite si ferma a metà con errore generico.",
        "Eseguite la ricostruzione archivi IVA e ristampate in definitivo.",
    ),
    "iva_split_payment": (
        "Split payment su fattura alla pubblica amministrazione",
        "Come si emette una fattura con scissione dei pagamenti verso un ente pubblico?",
        "Nel cliente impostate il regime 'scissione pagamenti': l'IVA non viene incassata.",
    ),
    "iva_reverse_charge": (
        "Reverse charge su acquisti edilizia",
        "Devo registrare una fattura di subappalto in inversione contabile.",
        "Usate la causale 'Reverse charge' che integra la fattura con l'IVA a debito e a credito.",
    ),
    "iva_esterometro": (
        "Esterometro per clienti esteri",
        "Le fatture verso clienti UE devono essere trasmesse? Non vedo come.",
        "Dal 2022 l'esterometro passa dallo SDI: emettete le fatture con codice destinatario XXXXXXX.",
    ),
    "intrastat": (
        "Elenchi Intrastat con valori sbagliati",
        "Gli elenchi Intrastat del mese riportano valori doppi.",
        "Alcuni documenti erano registrati due volte: eliminate i duplicati e rigenerate gli elenchi.",
    ),
    "ritenute_cu": (
        "Certificazione unica dei professionisti",
        "Devo stampare le certificazioni uniche per le ritenute d'acconto.",
        "Da Ritenute > Certificazione Unica generate il file e stampate i modelli.",
    ),
    "cespiti_ammortamento": (
        "Ammortamento cespiti di fine anno",
        "Il calcolo degli ammortamenti non considera i cespiti acquistati a giugno.",
        "Impostate l'ammortamento ridotto al 50% per il primo esercizio nella categoria.",
    ),
    "banca_riconciliazione": (
        "Riconciliazione bancaria con movimenti doppi",
        "Importando l'estratto conto i movimenti compaiono due volte.",
        "Cancellate l'importazione e reimportate il file CBI una sola volta.",
    ),
    "riba": (
        "Presentazione RiBa alla banca rifiutata",
        "La banca rifiuta il file delle ricevute bancarie.",
        "Mancava il codice SIA nei dati della banca: inseritelo e rigenerate il file.",
    ),
    "f24": (
        "Modello F24 con codice tributo errato",
        "L'F24 delle ritenute ha il codice tributo sbagliato.",
        "Aggiornate la tabella dei codici tributo dalla funzione di aggiornamento.",
    ),
    "bilancio_cee": (
        "Bilancio CEE non quadra",
        "Lo stato patrimoniale del bilancio CEE non quadra di pochi euro.",
        "Un conto non era collegato alla voce CEE: collegatelo e ristampate.",
    ),
    # Gestionale: ordini, magazzino, DDT, logistica.
    "ddt_numerazione": (
        "Numerazione dei DDT salta",
        "I documenti di trasporto hanno saltato dal numero 120 al 125.",
        "Ripristinate il contatore dei DDT in Tabelle > Numeratori.",
    ),
    "ddt_stampa": (
        "Stampa del documento di trasporto senza vettore",
        "Nel DDT stampato non compare il vettore.",
        "Aggiungete il campo vettore al modulo di stampa del DDT.",
    ),
    "ddt_fattura_differita": (
        "Fattura differita dai DDT del mese",
        "Come raggruppo i DDT del mese in un'unica fattura differita?",
        "Usate 'Genera fatture differite' selezionando il periodo dei DDT.",
    ),
    "magazzino_giacenza_negativa": (
        "Giacenza negativa in magazzino",
        "Alcuni articoli risultano con giacenza negativa anche se li abbiamo in scaffale.",
        "Mancavano dei carichi: registrate le bolle di carico e ricalcolate i progressivi.",
    ),
    "magazzino_inventario": (
        "Inventario di fine anno",
        "Devo chiudere l'inventario al 31/12 e valorizzarlo.",
        "Lanciate la chiusura di magazzino e la stampa dell'inventario valorizzato al costo medio.",
    ),
    "magazzino_lotti": (
        "Tracciabilità dei lotti",
        "Non riesco a vedere in quale lotto è uscito un articolo venduto.",
        "Attivate la gestione lotti sull'articolo e usate l'interrogazione tracciabilità.",
    ),
    "magazzino_costo_medio": (
        "Costo medio ponderato sbagliato",
        "Il costo medio di un articolo è troppo alto dopo un carico.",
        "Il carico aveva il prezzo in centesimi: correggetelo e ricalcolate il costo medio.",
    ),
    "ordini_evasione": (
        "Ordine cliente non si evade",
        "L'ordine resta aperto anche dopo aver fatto il DDT.",
        "Il DDT era stato fatto senza collegarlo all'ordine: usate 'Evadi ordini' dal DDT.",
    ),
    "ordini_listini": (
        "Prezzi del listino non applicati all'ordine",
        "Nell'ordine il prezzo non prende il listino del cliente.",
        "Il listino era scaduto: aggiornate la validità del listino.",
    ),
    "crm_attivita": (
        "Attività CRM non visibili agli agenti",
        "Gli agenti non vedono le attività assegnate nel CRM.",
        "Assegnate agli agenti il ruolo CRM con visibilità sulle attività.",
    ),
    "produzione_distinta": (
        "Distinta base della produzione",
        "Come inserisco una distinta base con semilavorati?",
        "Create i semilavorati come articoli e collegateli alla distinta del prodotto finito.",
    ),
    "gpv_agenti": (
        "App GPV degli agenti non sincronizza",
        "Gli ordini raccolti dagli agenti sul tablet non arrivano in sede.",
        "Aggiornate l'app GPV e verificate la sincronizzazione dalla console.",
    ),
    "spedizioni_corriere": (
        "Etichette del corriere non si stampano",
        "Le etichette di spedizione del corriere escono vuote.",
        "Aggiornate il modulo del corriere e impostate la stampante termica.",
    ),
    # Sistemistica: antivirus, stampanti, reti, server, PC.
    "antivirus_blocca": (
        "Antivirus blocca il gestionale",
        "Dopo l'aggiornamento dell'antivirus il programma non si apre più.",
        "Escludete la cartella del gestionale dalla scansione in tempo reale.",
    ),
    "antivirus_licenza": (
        "Licenza antivirus scaduta",
        "Su tutti i PC compare l'avviso di licenza antivirus scaduta.",
        "Abbiamo rinnovato la licenza: riavviate i PC per attivarla.",
    ),
    "antivirus_mail": (
        "Allegati bloccati dall'antivirus della posta",
        "I file PDF allegati alle mail vengono messi in quarantena.",
        "Abbiamo aggiunto un'eccezione per i PDF dei fornitori nella console antivirus.",
    ),
    "stampante_rete": (
        "Stampante di rete non stampa",
        "La stampante dell'ufficio non stampa più da nessun PC.",
        "La stampante aveva cambiato indirizzo IP: abbiamo assegnato un IP fisso.",
    ),
    "stampante_coda": (
        "Coda di stampa bloccata",
        "I documenti restano in coda e non escono.",
        "Riavviate il servizio spooler di stampa e svuotate la coda.",
    ),
    "stampante_driver": (
        "Driver della stampante dopo aggiornamento Windows",
        "Dopo l'aggiornamento di Windows la stampante stampa caratteri strani.",
        "Installate il driver PCL6 aggiornato del produttore.",
    ),
    "rete_lenta": (
        "Rete lenta in ufficio",
        "Il gestionale è lentissimo su tutti i PC dalle 9 alle 12.",
        "Un backup partiva in orario di lavoro: l'abbiamo spostato alla notte.",
    ),
    "vpn": (
        "VPN non si collega da casa",
        "Lavorando da casa la VPN non si collega più.",
        "Il certificato della VPN era scaduto: installate il nuovo profilo.",
    ),
    "server_spazio": (
        "Disco del server pieno",
        "Il server segnala spazio su disco esaurito.",
        "Abbiamo cancellato i vecchi backup e ampliato il disco.",
    ),
    "backup_fallito": (
        "Backup notturno fallito",
        "La mail del backup dice 'fallito' da due notti.",
        "Il disco USB era scollegato: ricollegatelo e controllate il backup successivo.",
    ),
    "pc_lento": (
        "PC nuovo molto lento",
        "Il PC appena consegnato è lentissimo all'avvio.",
        "Era in corso l'indicizzazione e gli aggiornamenti: dopo il riavvio è tornato normale.",
    ),
    "office_outlook": (
        "Outlook non riceve la posta",
        "Outlook chiede continuamente la password e non scarica la posta.",
        "Abbiamo ricreato il profilo di Outlook con l'autenticazione moderna.",
    ),
    "password_scaduta": (
        "Password di Windows scaduta",
        "Non riesco ad accedere al PC: la password è scaduta.",
        "Abbiamo reimpostato la password: cambiatela al primo accesso.",
    ),
}

# A new request (title, description) and the closed tickets a person would expect.
REQUESTS = [
    (
        (
            "Fatture respinte dal sistema di interscambio",
            "Il sistema di interscambio rifiuta le nostre fatture, dice che il codice del destinatario è sbagliato.",
        ),
        {"sdi_scarto_destinatario"},
    ),
    (
        (
            "Il programma non parte più",
            "Da stamattina il gestionale non si avvia, credo dopo l'aggiornamento dell'antivirus.",
        ),
        {"antivirus_blocca"},
    ),
    (
        ("Non stampa niente", "Nessuno in ufficio riesce a stampare, i documenti rimangono in attesa."),
        {"stampante_rete", "stampante_coda"},
    ),
    (
        ("Quantità negative degli articoli", "Il magazzino mostra quantità sotto zero per articoli che abbiamo."),
        {"magazzino_giacenza_negativa"},
    ),
    (("Salto nei numeri delle bolle", "Le bolle di consegna non hanno una numerazione continua."), {"ddt_numerazione"}),
    (
        ("IVA del trimestre sbagliata", "Il totale della liquidazione non corrisponde al registro."),
        {"iva_liquidazione"},
    ),
    (
        ("Fatture dei fornitori mancanti", "Non vediamo le fatture d'acquisto ricevute dai fornitori."),
        {"sdi_fatture_passive"},
    ),
    (
        ("Il server è pieno", "Arriva un avviso che lo spazio del disco è finito e il backup non va."),
        {"server_spazio", "backup_fallito"},
    ),
    (
        ("Fattura unica per tutte le bolle", "Vorrei fare una sola fattura per i documenti di trasporto di marzo."),
        {"ddt_fattura_differita"},
    ),
    (("Non riesco a collegarmi dall'esterno", "Da casa non riesco più a entrare nella rete dell'azienda."), {"vpn"}),
    # Harder: few or no words in common with the ticket expected.
    (
        ("Allegati spariti", "I PDF che ci mandano i fornitori per e-mail finiscono isolati e non si aprono."),
        {"antivirus_mail"},
    ),
    (("Computer appena arrivato lentissimo", "Ci mette un'eternità ad accendersi."), {"pc_lento"}),
    (("Non posso entrare in Windows", "Mi dice che la parola d'accesso non è più valida."), {"password_scaduta"}),
    (
        ("Comune come cliente", "Fatturiamo a un ente pubblico: come gestire la scissione dell'IVA?"),
        {"iva_split_payment"},
    ),
]
