// The one registry of error codes (conventions.md habit 4). Codes are persisted in receipts:
// never rename or change the meaning of one; add new ones instead.

/** Every stable error code with its French message for the person who dropped the file or ran the command. */
export const ERROR_MESSAGES = {
  // Files as a whole
  FILE_EMPTY: 'Le fichier est vide : déposez le fichier complet.',
  FILE_TOO_LARGE:
    'Le fichier dépasse la taille maximale acceptée : découpez-le en plusieurs fichiers plus petits (par exemple un par épreuve) puis déposez-les.',
  FILE_FORMAT_UNKNOWN:
    "Le format du fichier n'est pas reconnu : déposez un classeur Excel (.xlsx ou .xls), un tableur OpenDocument (.ods), un fichier CSV ou une maquette Apogée (.txt).",
  FILE_FORMAT_UNSUPPORTED:
    "Ce format de fichier n'est pas encore accepté : enregistrez-le en .xlsx ou en CSV.",
  FILE_ENCRYPTED:
    'Le classeur est protégé par un mot de passe : enregistrez-le sans mot de passe puis déposez-le à nouveau.',
  FILE_CORRUPT: 'Le fichier est illisible ou tronqué : enregistrez-le à nouveau puis déposez-le.',
  FILE_ZIP_BOMB:
    "Le classeur est anormalement compressé et a été refusé par sécurité : ouvrez-le dans votre tableur, enregistrez-le à nouveau puis déposez-le ; s'il est refusé encore, videz les cellules où un long texte a été collé, ou prévenez l'administrateur du service.",
  CELL_TOO_LONG:
    "Une cellule du fichier dépasse 32 767 caractères, la limite d'une cellule de tableur : videz-la ou raccourcissez-la (sa place et sa longueur sont entre parenthèses) puis déposez le fichier à nouveau ; rien n'a été enregistré.",
  FILE_NO_DATA:
    "Le fichier ne contient aucune ligne de données : vérifiez que c'est le bon fichier et que les lignes sont bien sous la ligne d'en-tête, puis déposez-le à nouveau.",
  FILE_ENCODING:
    'Le fichier est enregistré dans un encodage de caractères que le service ne lit pas (il lit UTF-8 et Windows-1252) : enregistrez-le à nouveau, dans Excel au format « CSV UTF-8 (délimité par des virgules) » ou « CSV (séparateur : point-virgule) », ou, pour une maquette Apogée, « Texte (séparateur : tabulation) », puis déposez-le.',
  FILE_NAME_INVALID:
    'Le nom du fichier est refusé (caractères interdits, « .. » ou nom trop long) : renommez-le avec un nom plus court, sans « .. » (par exemple notes-MAT101.xlsx), puis déposez-le à nouveau.',
  FILE_CHANNEL_UNKNOWN:
    "Le dossier de dépôt n'est pas un canal connu (referentiel, notes, lecteur-optique, jury).",
  FILE_CTN_UNKNOWN:
    "Le dossier de dépôt ne correspond à aucun CTN déclaré : déposez le fichier dans le dossier de votre CTN, ou demandez à l'administrateur du service de déclarer ce CTN.",
  FILE_WRITTEN_AFTER_IMPORT:
    "Ce fichier a continué d'être écrit après avoir été importé une première fois (copie ou enregistrement encore en cours quand le service l'a pris) : il a été importé de nouveau, tel qu'il est maintenant. Enregistré après, il l'emporte sur la première importation, faite sur un fichier incomplet, dont l'accusé de réception est indiqué entre parenthèses : vérifiez que ce fichier est bien complet.",
  FILE_END_WITHOUT_LINE_BREAK:
    "La dernière ligne du fichier ne se termine pas par un saut de ligne : le fichier a été importé tel quel, après être resté inchangé le temps d'attente prévu, mais une copie interrompue au milieu d'une ligne a cette allure (une note « 15 » coupée en « 1 »). Vérifiez la dernière ligne importée ; s'il manque une partie du fichier, déposez-le complet : enregistré après, il remplace ces notes.",
  FILE_PROCESSING_FAILED:
    "Le fichier n'a pas pu être traité après plusieurs tentatives : prévenez l'administrateur du service puis déposez-le à nouveau.",
  // Spreadsheets as people send them (issue 4)
  FILE_WEB_PAGE:
    'Le fichier est une page web (HTML ou XML) enregistrée sous un nom de classeur : ouvrez-le dans votre tableur puis enregistrez-le en classeur Excel (.xlsx).',
  FILE_FORMAT_OTHER_SPREADSHEET:
    "Le fichier vient d'un tableur, mais dans un format que le service ne lit pas (nommé entre parenthèses) : ouvrez-le dans votre tableur, enregistrez-le en classeur Excel (.xlsx), en tableur OpenDocument (.ods) ou en CSV, puis déposez ce nouveau fichier.",
  FILE_FORMAT_LEGACY:
    'Le classeur est dans un ancien format Excel (Excel 95 ou antérieur) : ouvrez-le puis enregistrez-le en classeur Excel (.xlsx).',
  ROW_HIDDEN:
    "Cette ligne est masquée dans le classeur : elle n'a pas été lue ; affichez-la (ou supprimez-la) puis déposez le fichier à nouveau.",
  ROW_EXTRA_CELLS:
    "Cette ligne a plus de valeurs que la ligne d'en-tête n'a de colonnes : un séparateur tapé dans une valeur (dans une note, « 14;5 » au lieu de « 14,5 ») l'a sans doute coupée en deux. Si les colonnes du fichier sont séparées par des virgules, chaque note à virgule est coupée ainsi : enregistrez-le depuis votre tableur en « CSV (séparateur : point-virgule) », ou mettez ces notes entre guillemets. Rien n'a été lu de cette ligne : corrigez-la puis déposez le fichier à nouveau.",
  ROW_GRADE_SPLIT:
    "Cette note entière est suivie, dans la colonne d'à côté, de chiffres seuls (tous deux dans « Valeur lue ») ; un point-virgule tapé à la place de la virgule (« 14;5 » au lieu de « 14,5 ») a sans doute coupé la note en deux, et cette ligne n'a pas été lue : écrivez la note avec sa virgule (si les colonnes du fichier sont séparées par des virgules, enregistrez-le depuis votre tableur en « CSV (séparateur : point-virgule) » ou mettez les notes entre guillemets) ; si ces chiffres ont leur place dans la colonne d'à côté, ajoutez-y un mot (« 5 copies »). Puis déposez le fichier à nouveau.",
  COLUMN_HIDDEN:
    "Cette colonne est masquée dans le classeur : le fichier n'a pas été lu ; affichez-la (ou supprimez-la) puis déposez-le à nouveau.",
  NUMBER_LENGTH:
    "Le numéro anonyme lu n'a pas la longueur attendue (case cochée en trop ou oubliée) : vérifiez la copie et saisissez le bon numéro.",
  OPTICAL_OTHER_NUMBERING:
    "Aucun numéro lu dans ce fichier n'a la longueur des numéros anonymes de ce CTN : c'est sans doute le fichier d'un autre examen, ou une grille de codage qui n'est pas celle des numéros de l'épreuve. Vérifiez le fichier avant de corriger les lignes une à une.",
  OPTICAL_MARKS_UNREADABLE:
    'Le numéro anonyme a été mal lu par le lecteur optique (case vide ou plusieurs cases cochées) : vérifiez la copie et saisissez le bon numéro.',
  OPTICAL_GRID_MISMATCH:
    "Le numéro lu dans la grille de codage diffère du numéro associé à la copie : la note est enregistrée sous le numéro associé ; vérifiez l'association.",
  // Columns and headers
  HEADER_NOT_FOUND: "La ligne d'en-tête n'a pas été trouvée : vérifiez les intitulés de colonnes.",
  COLUMN_MISSING:
    "Une colonne obligatoire est absente : ajoutez-la sur la ligne d'en-tête, ou renommez la colonne existante, avec l'intitulé indiqué entre parenthèses, puis déposez le fichier à nouveau.",
  COLUMN_OTHER_CHANNEL:
    "Cette colonne n'est pas lue dans ce dossier de dépôt, elle relève d'un autre dossier : rien n'en a été enregistré, le reste du fichier est traité normalement. Pour l'enregistrer, déposez un fichier portant la colonne des numéros et cette colonne dans le dossier indiqué entre parenthèses.",
  ASSESSMENT_COLUMN_MISSING:
    "Les lignes sont repérées par numéro étudiant (COD_ETU), mais aucune colonne ne dit à quelle épreuve chacune se rapporte : rien n'a été lu. Ajoutez une colonne « Code épreuve » (ou COD_ELP) donnant sur chaque ligne le code de l'enseignement (et une colonne « Session » pour la session 2), puis déposez le fichier à nouveau.",
  COLUMN_AMBIGUOUS:
    "Plusieurs colonnes correspondent au même intitulé : ne gardez qu'une de ces colonnes, ou renommez les autres, puis déposez le fichier à nouveau.",
  // Cells
  CELL_FORMULA_NO_VALUE:
    'La cellule contient une formule sans valeur calculée : saisissez la valeur elle-même.',
  CELL_ERROR:
    'La cellule contient une erreur de calcul (#N/A, #DIV/0! …) : corrigez la formule ou saisissez la valeur elle-même.',
  CELL_REQUIRED:
    "Une valeur obligatoire est vide : saisissez-la puis recommencez ; pour une note, un nombre (0 compris) ou un code d'absence (ABI, ABJ, DEF, DEM, DIS).",
  DATE_INVALID: 'Date invalide : attendu jj/mm/aaaa.',
  STUDENT_NUMBER_INVALID:
    'Numéro étudiant invalide : saisissez le numéro étudiant (COD_ETU), fait de chiffres et de lettres seulement (20 au plus), puis déposez le fichier à nouveau.',
  STUDENT_IDENTITY_CONFLICT:
    "Ce numéro étudiant est donné plus haut dans le fichier avec une autre identité (nom, prénom, date de naissance ou INE) : un numéro ne peut désigner qu'une personne ; corrigez l'une des deux lignes puis déposez le fichier à nouveau.",
  // Referential: a student number given again (domain/identity.ts), a file without one
  STUDENT_IDENTITY_CHANGED:
    "Ce numéro étudiant désigne déjà une autre personne, qui a des numéros anonymes ou des notes ; le fichier n'est pas importé, pour que ses notes ne passent pas à quelqu'un d'autre : vérifiez dans Apogée le numéro étudiant de cette ligne, corrigez-le puis déposez le fichier à nouveau ; s'il s'agit bien de la même personne (changement d'état civil, prénom d'usage), déposez le fichier avec la colonne INE : un INE identique à celui enregistré confirme la correction ; à défaut, demandez à l'administrateur du service de corriger son identité.",
  STUDENT_IDENTITY_CORRECTED:
    "L'identité enregistrée pour ce numéro étudiant est corrigée d'après le fichier (accent, majuscules, nom d'usage, faute de frappe…) : rien à faire si c'est bien la même personne ; sinon, vérifiez dans Apogée le numéro étudiant de cette ligne.",
  STUDENT_IDENTITY_KEPT:
    "La maquette Apogée donne pour ce numéro étudiant une autre identité que celle enregistrée ; une maquette ne corrige pas les identités, l'identité enregistrée est gardée : rien à faire si elle est juste ; sinon, déposez l'extraction Apogée des étudiants à jour dans le dossier referentiel.",
  STUDENT_COLUMN_MISSING:
    "La colonne du numéro étudiant est absente, aucune ligne n'a été lue : ajoutez une colonne COD_ETU (ou « Numéro étudiant ») donnant le numéro étudiant de chaque ligne, ou déposez l'extraction Apogée des étudiants et de leurs inscriptions ; une liste de noms seule, comme la liste d'étudiants d'Auto Multiple Choice (nom, prenom, numero), ne peut pas servir de référentiel.",
  STUDENT_UNKNOWN:
    'Étudiant inconnu du référentiel : vérifiez le numéro étudiant, ou déposez la liste des étudiants à jour dans le dossier referentiel.',
  OBJECT_UNKNOWN:
    "Enseignement inconnu du référentiel : vérifiez son code (celui d'Apogée) ; s'il est nouveau, déposez l'extraction Apogée qui le contient dans le dossier referentiel/ du CTN.",
  OBJECT_OTHER_CTN:
    'Cet enseignement appartient à un autre CTN : déposez le fichier dans le dossier de son CTN.',
  OBJECT_KIND_INVALID: "Type d'objet invalide : attendu VDI, VET, ELP ou EP.",
  YEAR_INVALID: 'Année universitaire invalide : attendu par exemple 2026.',
  // Grades
  GRADE_INVALID:
    'Note illisible : saisissez un nombre (virgule décimale acceptée) ou un code d’absence.',
  GRADE_OUT_OF_RANGE:
    "Note hors barème : saisissez une note entre 0 et le barème, ou un code d'absence (ABI, ABJ…).",
  GRADE_ALREADY_ENTERED:
    'Une autre note est déjà enregistrée pour ce numéro : vérifiez le numéro sur la copie ; pour remplacer la note, relancez la commande avec --replace.',
  GRADE_CELL_PERCENT:
    "La cellule de la note est au format pourcentage : le tableur y garde la valeur affichée divisée par 100 (« 60 % » y vaut 0,6), et le service ne devine pas la note voulue ; rien n'est enregistré pour cette ligne. Mettez la cellule au format Nombre, saisissez la note sur le barème (par exemple 12 ou 12,5), puis déposez le fichier à nouveau.",
  GRADE_CELL_DATE:
    "La cellule de la note est au format date : le tableur a sans doute pris la note tapée pour une date (« 12.5 » ou « 12/5 » devient le 12 mai), et rien n'est enregistré pour cette ligne. Mettez la cellule au format Nombre, saisissez de nouveau la note (par exemple 12,5), puis déposez le fichier à nouveau.",
  GRADE_TOO_PRECISE: 'La note a plus de deux décimales : saisissez-la avec deux décimales au plus.',
  ABSENCE_CODE_UNKNOWN: "Code d'absence inconnu : utilisez ABI, ABJ, DEF, DEM ou DIS.",
  RESULT_CODE_UNKNOWN:
    "Code résultat inconnu : remplacez-le par l'un des codes admis, listés entre parenthèses.",
  JURY_FILE_IN_OPTICAL:
    "Ce fichier est un fichier de décisions de jury, sans colonne de notes : déposez-le dans le dossier jury/ du CTN, pas dans lecteur-optique/ ; rien n'a été enregistré. Ce qui a été lu suit entre parenthèses.",
  RESULT_CODE_BLANK:
    "Décision de jury absente : la case est vide ; saisissez l'un des codes admis, listés entre parenthèses, ou retirez la ligne si la décision n'est pas encore prise.",
  GRADE_ROUNDED:
    'La note lue a été arrondie au plus proche (la moitié vers le haut), comme le prévoit le profil du lecteur optique : rien à corriger, la ligne est importée.',
  GRADE_REPLACED:
    'Une autre note était déjà enregistrée pour cette copie (même numéro, même épreuve) ; elle est remplacée par celle du fichier : vérifiez que ce fichier est bien la correction attendue.',
  GRADE_NEWER_KEPT:
    "Une note plus récente est déjà enregistrée pour cette copie (d'un fichier enregistré ou d'une saisie faite après le dernier enregistrement de ce fichier, qui date sa remise) : elle est gardée, la note de ce fichier n'est pas enregistrée. Si c'est la note de ce fichier qui compte, saisissez-la (anonymat grade … --replace) ou déposez un fichier corrigé qui la porte : la note remise la dernière l'emporte, mais le même fichier déposé de nouveau est reconnu comme déjà reçu et ne change rien.",
  RESULT_REPLACED:
    'Un autre résultat de jury était déjà enregistré pour cette copie (même numéro, même épreuve) ; il est remplacé par celui du fichier : vérifiez que ce fichier est bien la décision attendue.',
  RESULT_NEWER_KEPT:
    "Un résultat de jury plus récent est déjà enregistré pour cette copie (d'un fichier enregistré après ce fichier) : il est gardé, le résultat de ce fichier n'est pas enregistré. Si c'est le résultat de ce fichier qui compte, déposez un fichier corrigé qui le porte : le résultat remis le dernier l'emporte.",
  GRADE_ALIAS_READ:
    "Code d'absence écrit autrement que les codes officiels (ABI, ABJ, DEF, DEM, DIS) : il est lu comme le code indiqué ; vérifiez que c'est bien l'absence voulue.",
  // Anonymous numbers
  NUMBER_UNKNOWN: 'Numéro anonyme inconnu : vérifiez le numéro sur la copie.',
  NUMBER_OTHER_YEAR:
    "Ce numéro anonyme n'a pas été attribué pour l'année universitaire lue, mais pour une autre (années entre parenthèses) : rien n'est enregistré pour lui. Pour une note de cette autre année, déposez le bordereau de saisie de l'épreuve, qui désigne son année, ou saisissez-la avec l'option --year ; si le service doit travailler sur cette année-là, réglez ANONYMAT_YEAR.",
  NUMBER_YEAR_AMBIGUOUS:
    "Ce numéro anonyme est attribué pour l'année du service, où son épreuve est levée, et aussi pour une autre année, où l'anonymat court encore (années entre parenthèses) : la note n'est enregistrée pour aucune des deux. Pour l'autre année, déposez le bordereau de saisie de son épreuve, qui désigne son année, ou saisissez la note avec --year ; pour corriger une note de l'année levée, saisissez-la (anonymat grade … --replace).",
  NUMBER_YEAR_NAMED:
    "Le nom du fichier désigne une autre année universitaire que celle du service, et ce numéro anonyme y est attribué aussi (années entre parenthèses) : on ne peut pas savoir pour quelle année est la note, rien n'est enregistré pour lui. Pour cette autre année, déposez le bordereau de saisie de son épreuve, qui désigne son année, ou saisissez la note avec --year ; si le fichier est bien de l'année du service, retirez l'année de son nom.",
  NUMBER_OTHER_YEARS:
    "Ce numéro anonyme a aussi été attribué une autre année universitaire (d'autres numéros du fichier peuvent l'être aussi) : les notes du fichier sont enregistrées pour l'année du service, indiquée entre parenthèses. Pour des notes d'une autre année, déposez le bordereau de saisie de l'épreuve, qui désigne son année.",
  NUMBER_SPARE_UNBOUND:
    "Ce numéro est celui d'une étiquette de réserve qui n'est encore attribuée à aucun étudiant : le gestionnaire de l'anonymat doit d'abord la lier à l'étudiant qui a composé avec (commande spare-bind), puis déposez le fichier à nouveau.",
  NUMBER_LEADING_ZEROS:
    "Numéro anonyme inconnu, plus court que les numéros de ce CTN : le tableur (Excel, LibreOffice) a sans doute supprimé ses zéros de tête en le lisant comme un nombre. Rien n'a été deviné : saisissez le numéro complet, tel qu'il est sur la copie ; pour que les zéros restent, mettez la colonne des numéros au format Texte avant d'y saisir ou d'y coller les numéros, puis enregistrez et déposez le fichier à nouveau.",
  NUMBER_FOREIGN_CHARACTER:
    "Le numéro anonyme contient un caractère qui n'est ni un chiffre ni une lettre sans accent (souvent venu d'un copier-coller), indiqué entre parenthèses : retapez le numéro au clavier, tel qu'il est sur la copie, puis déposez le fichier à nouveau.",
  NUMBER_CHECK_FAILED:
    'Le caractère de contrôle du numéro anonyme est faux, le numéro a sans doute été mal recopié : vérifiez le numéro sur la copie.',
  NUMBER_OTHER_TEMPLATE:
    "Ce numéro anonyme appartient à une autre maquette d'anonymat : vérifiez le numéro sur la copie, ou saisissez sa note dans le fichier de l'épreuve de cette copie.",
  NUMBER_OTHER_CTN:
    'Ce numéro anonyme appartient à un autre CTN : vérifiez le numéro sur la copie, ou déposez la note dans le dossier de son CTN.',
  FILE_NAME_OTHER_ASSESSMENT:
    "Le nom du fichier désigne une autre épreuve que sa colonne « Code épreuve » : les notes sont enregistrées pour l'épreuve de la colonne, ligne par ligne. Vérifiez que c'est bien le fichier de cette épreuve ; s'il l'est, renommez-le pour la suite.",
  FILE_TITLE_OTHER_ASSESSMENT:
    "Le titre de la feuille désigne une autre épreuve que le nom du fichier (les deux entre parenthèses) : on ne peut pas savoir pour laquelle sont ces notes, rien n'a été enregistré. Si c'est le bordereau de l'épreuve du titre, renommez le fichier d'après elle (ou déposez le bordereau d'origine, avec sa feuille cachée) ; sinon corrigez le titre, puis déposez-le à nouveau.",
  WORKBOOK_NAMED_OTHER_ASSESSMENT:
    "Ce bordereau de saisie est celui d'une épreuve, et le nom du fichier en désigne une autre (les deux entre parenthèses) : ses notes ont peut-être été saisies dans le bordereau d'une autre épreuve, rien n'a été enregistré. Si ce sont bien les notes de l'épreuve du bordereau, renommez le fichier d'après elle ; sinon saisissez-les dans le bordereau de l'épreuve du nom. Puis déposez-le à nouveau.",
  NUMBER_OTHER_ASSESSMENT:
    "Ce numéro anonyme a été attribué pour une autre épreuve : vérifiez le numéro sur la copie, ou saisissez sa note dans le fichier de l'épreuve de cette copie.",
  NUMBER_DUPLICATED:
    'Ce numéro anonyme apparaît sur plusieurs lignes du fichier, aucune n’est retenue : gardez une seule ligne par numéro puis déposez le fichier à nouveau.',
  NUMBER_BLANK: 'Numéro anonyme absent ou illisible : saisissez le numéro inscrit sur la copie.',
  NUMBER_NOT_CONCERNED:
    "Ce numéro n'est pas concerné par cette épreuve : vérifiez le numéro sur la copie et l'épreuve du fichier.",
  WORKBOOK_UNRECOGNISED:
    "Ce classeur n'est pas un bordereau de saisie anonyme produit par le service : utilisez le bordereau fourni.",
  WORKBOOK_SEVERAL_TABLES:
    'Le classeur contient plusieurs feuilles visibles portant un tableau de notes, et une seule est lue par fichier : les notes des autres seraient perdues sans que rien ne le dise ; enregistrez chaque feuille dans un fichier à part puis déposez-les.',
  WORKBOOK_OTHER_SHEET:
    "Ce bordereau de saisie a une autre feuille de notes avant sa feuille « Saisie des notes » (feuilles entre parenthèses) : c'est dans « Saisie des notes » que ses notes se saisissent. Reportez-y les notes de l'autre feuille, supprimez celle-ci, puis déposez le bordereau à nouveau ; rien n'a été enregistré.",
  WORKBOOK_HIDDEN_TABLE:
    "Le classeur contient une feuille masquée portant elle aussi un tableau de notes (ou de décisions) : seules les feuilles visibles sont lues, et ses lignes seraient perdues sans que rien ne le dise ; le fichier n'a pas été lu. Affichez cette feuille (clic droit sur un onglet, « Afficher »), puis gardez une seule feuille de notes par fichier (enregistrez chaque feuille dans un fichier à part) ou supprimez-la si ses lignes ne sont pas à importer, et déposez le fichier à nouveau.",
  WORKBOOK_TAMPERED:
    "L'empreinte cachée du bordereau est invalide (partie cachée modifiée, ou bordereau produit par une autre installation du service) : reprenez le bordereau tel que le service l'a produit (dossier « bordereaux » du CTN, ou demandez-le au gestionnaire de l'anonymat), saisissez les notes dans les seules colonnes Note et Observations, puis déposez-le ; si c'était déjà le cas, prévenez l'administrateur du service.",
  // States and rights
  STATE_FORBIDS:
    "L'état d'anonymat de l'épreuve interdit cette opération : l'anonymat suit l'ordre pose des numéros, validation, saisie des notes, levée ; faites d'abord l'étape qui manque.",
  WORKBOOK_AFTER_LIFT:
    "L'anonymat de l'épreuve est levé : les bordereaux de saisie anonymes ne sont plus produits ; saisissez les notes restantes par numéro étudiant (fichier avec la colonne COD_ETU) ou une à une par numéro anonyme (anonymat grade).",
  STATE_FINAL:
    "L'anonymat de l'épreuve est levé, et la levée est définitive : les numéros anonymes ne peuvent plus être retirés ni attribués, et l'épreuve reste à l'état levé.",
  WITHDRAW_UNDER_ANONYMITY:
    "L'anonymat de l'épreuve est validé : les numéros anonymes ne peuvent plus être retirés, car les copies portent ces numéros et les notes sont recueillies sous eux ; ils restent attribués jusqu'à la levée de l'anonymat. Un étudiant inscrit depuis la pose reçoit son numéro par anonymat pose.",
  STATE_ALREADY_VALIDATED:
    "L'anonymat de l'épreuve est déjà validé : rien n'a changé. Les étapes suivantes sont la saisie des notes par numéro anonyme, puis la levée de l'anonymat (anonymat lift-request).",
  STATE_FORBIDS_IMPORT:
    "L'état d'anonymat de l'épreuve interdit ce type de fichier : les notes par numéro anonyme ne sont acceptées qu'une fois les numéros posés et validés ; faites valider l'anonymat puis déposez le fichier à nouveau.",
  IDENTITY_BESIDE_NUMBER:
    "Cette ligne met une identité d'étudiant à côté du numéro anonyme alors que l'épreuve est sous anonymat validé : retirez du fichier les noms, numéros d'étudiant, INE ou dates de naissance (colonnes ajoutées, observations), puis déposez-le à nouveau.",
  IDENTITY_UNDER_ANONYMITY:
    "L'épreuve est sous anonymat validé : les notes doivent être saisies par numéro anonyme, pas par numéro étudiant ou par nom.",
  NUMBERS_HAVE_GRADES:
    'Des notes ont déjà été saisies sous ces numéros : le retrait est impossible.',
  NOT_HABILITATED:
    "Vous n'êtes pas habilité sur ce CTN pour cette opération : demandez à l'administrateur du service de vous y habiliter.",
  NOT_MANAGER: "Seul le gestionnaire de l'anonymat du CTN peut réaliser cette opération.",
  USER_UNKNOWN:
    "Utilisateur inconnu : vérifiez l'identifiant donné à --as ; un nouvel utilisateur est déclaré par un administrateur (anonymat user add).",
  CTN_UNKNOWN: 'CTN inconnu : vérifiez son code (anonymat ctn add pour le déclarer).',
  NOT_ADMIN: 'Opération réservée aux administrateurs.',
  TEMPLATE_UNKNOWN:
    "Maquette d'anonymat inconnue : vérifiez son code, le CTN et l'année universitaire (--year) ; anonymat template list --ctn <CTN> --as <identifiant> affiche les maquettes du CTN.",
  PERIOD_UNKNOWN:
    "Période d'anonymat inconnue : vérifiez son code ; une période est déclarée par anonymat period add.",
  RULE_UNKNOWN:
    'Règle de numérotation inconnue : vérifiez son code ; une règle est déclarée par anonymat rule add.',
  MAQUETTE_NONE:
    "Aucune maquette Apogée n'est enregistrée pour ce CTN et cette année : rien n'a été exporté. Déposez l'extraction de la maquette Apogée dans inbox/<CTN>/referentiel/ puis relancez la commande.",
  APOGEE_GRADES_UNPLACED:
    "Des notes levées n'ont trouvé de place dans aucune maquette Apogée enregistrée : elles ne sont pas dans l'export (enseignements et sessions entre parenthèses). Déposez dans inbox/<CTN>/referentiel/ l'extraction de maquette Apogée qui porte les colonnes de ces enseignements pour ces sessions (et ces étudiants), puis relancez anonymat export-apogee.",
  ASSESSMENT_UNKNOWN:
    "Aucune épreuve (résultat à gérer sous anonymat) ne correspond, ou plusieurs correspondent : vérifiez le code de l'enseignement et la session ; si l'épreuve n'est pas encore déclarée, demandez au gestionnaire de l'anonymat de la déclarer (anonymat modality add).",
  ASSESSMENT_AMBIGUOUS:
    "Ce numéro anonyme sert à plusieurs épreuves de sa maquette (un numéro par étudiant) : la note ne dit pas pour laquelle elle est ; précisez l'épreuve comme indiqué entre parenthèses.",
  ASSESSMENT_NOT_IN_PERIOD:
    "L'épreuve n'a pas de modalité d'anonymat dans la période de la maquette.",
  ASSESSMENT_IN_OTHER_TEMPLATE: "L'épreuve appartient déjà à une autre maquette d'anonymat.",
  SESSION1_RESULTS_MISSING:
    "La session 2 est réservée aux étudiants non admis en session 1, et aucun résultat du jury de session 1 n'est encore enregistré pour l'enseignement (ou chacun des enseignements) indiqué entre parenthèses : qui passe la session 2 ne peut pas encore être connu, aucun numéro n'a été attribué et l'état n'a pas changé. Enregistrez d'abord les résultats du jury de session 1 (fichier de décisions déposé dans jury/, ou maquette Apogée déposée dans notes/), puis relancez la pose ; pour poser dès maintenant les autres épreuves de la maquette, précisez --object.",
  POSE_CONCURRENT:
    "D'autres numéros de la même année ont été tirés en même temps, plusieurs fois de suite : aucun numéro n'a été attribué ; relancez la commande.",
  NUMBER_SPACE_EXHAUSTED:
    "La règle de numérotation n'offre pas assez de numéros libres pour cette population.",
  ALREADY_EXISTS: 'Cet élément existe déjà.',
  INVALID_ARGUMENT: 'Paramètre invalide.',
  WORKER_NEEDS_REDIS:
    'Un travailleur prend ses travaux dans Redis : définissez REDIS_URL. Sans Redis, anonymat run traite lui-même les fichiers déposés.',
  DISMISS_IMPOSSIBLE:
    'Ce fichier ne peut pas être classé sans suite ; la raison suit entre parenthèses.',
  DISMISS_REASON_REQUIRED:
    'Classer un fichier sans suite exige un motif (--reason), d’au moins 10 caractères : il est gardé dans le journal d’audit.',
  AUDIT_CHAIN_BROKEN: "Le journal d'audit a été altéré.",
  EMBEDDED_DB_UNWRITABLE:
    "Le dossier de la base intégrée n'est pas accessible en écriture pour ce compte : donnez-lui le droit d'écrire dans le dossier var/ (indiqué entre parenthèses), ou lancez la commande sous le compte du service.",
  EMBEDDED_DB_BUSY:
    "La base intégrée de ce dossier est déjà ouverte par un autre processus anonymat : deux processus sur la même base intégrée perdraient des écritures (notes saisies, journal d'audit). Attendez la fin de l'autre processus ou arrêtez-le (anonymat run qui surveille la boîte de dépôt, par exemple), puis relancez la commande ; pour saisir des commandes pendant que le service tourne, faites-le tourner sur Postgres (DATABASE_URL). Le processus en cause suit entre parenthèses.",
  // Anonymity guards (issue 5)
  OUTPUT_IDENTITY_LEAK:
    "Le fichier n'a pas été écrit : il contient un identifiant d'un étudiant d'une épreuve sous anonymat (numéro d'étudiant, INE, nom ou date de naissance). Seul l'endroit est indiqué, jamais la valeur : retirez la donnée à cet endroit (libellé, commentaire, nom de fichier…) puis relancez la commande.",
  OUTPUT_NAMED_UNDER_ANONYMITY:
    'Un document nominatif ne peut pas être produit pour une épreuve sous anonymat validé.',
  LIFT_CONDITIONS_LOCKED:
    'Sous anonymat validé, les conditions de levée peuvent être renforcées mais pas assouplies ; après la levée, elles ne changent plus.',
  LIFT_CONDITIONS_UNMET: "Les conditions de levée de l'anonymat ne sont pas réunies.",
  LIFT_NEEDS_CONFIRMATION:
    "La levée de l'anonymat doit être demandée par un gestionnaire puis confirmée par un second.",
  REVEAL_REASON_REQUIRED: 'Une levée individuelle exige un motif (au moins 10 caractères).',
  REVEAL_REASON_IDENTITY:
    "Le motif d'une levée individuelle est repris dans les PV anonymes : il ne doit contenir ni nom, ni numéro d'étudiant, ni INE, ni date de naissance d'un étudiant de la maquette (ce qui y a été trouvé est entre parenthèses). Écrivez-le sans identité, par exemple « recours : erreur de report de note signalée », puis relancez la commande ; rien n'a été enregistré.",
  // Spare labels (issue 6)
  SPARE_UNKNOWN: "Ce numéro n'est pas une étiquette de réserve de la maquette.",
  SPARE_ALREADY_BOUND: 'Cette étiquette de réserve est déjà attribuée à un étudiant.',
  SPARE_NUMBER_TAKEN:
    'Le numéro de cette étiquette de réserve a été attribué entre-temps : utilisez une autre étiquette.',
  STUDENT_ALREADY_NUMBERED: 'Cet étudiant a déjà un numéro anonyme pour cette épreuve.',
  SPARE_STUDENT_NOT_ENROLLED:
    "Cet étudiant n'a pas d'inscription pédagogique à l'épreuve de cette étiquette pour l'année : vérifiez le numéro étudiant ; s'il vient de s'inscrire, déposez d'abord son inscription dans referentiel/, puis liez l'étiquette.",
  WORKBOOK_ROWS_REORDERED:
    "Les numéros du bordereau ne sont plus dans l'ordre où le service les a écrits (colonne triée ou lignes déplacées) : une note peut ne plus être en face du numéro de sa copie. Reprenez le bordereau tel que le service l'a produit, saisissez chaque note en face du numéro de sa copie, puis déposez-le à nouveau.",
  WORKBOOK_ROW_MISSING:
    "Ce numéro figurait sur le bordereau envoyé et manque au bordereau retourné (ligne supprimée ou masquée, ou numéro modifié) : reprenez le bordereau tel que le service l'a produit et gardez toutes ses lignes et tous ses numéros ; pour une copie sans note, laissez sa note vide ou saisissez un code d'absence, puis déposez-le à nouveau.",
  // Apogée maquettes dropped in notes/
  STUDENT_NOT_ENROLLED:
    "L'étudiant n'a pas d'inscription pédagogique à cet enseignement pour cette année : vérifiez la ligne ou faites enregistrer son inscription, puis déposez le fichier à nouveau.",
  SCALE_MISMATCH:
    "Le barème saisi dans la maquette diffère du barème de l'épreuve : saisissez la note sur le barème de l'épreuve, ou faites corriger le barème de l'épreuve.",
  MAQUETTE_COLUMN_IGNORED:
    "Cette colonne de la maquette (points de jury ou autre) n'est pas reprise par le service : rien à corriger, le reste de la ligne est importé ; saisissez cette valeur directement dans Apogée.",
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** An expected failure with a stable code and a French message; `detail` adds context for the user. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${ERROR_MESSAGES[code]} ${detail}` : ERROR_MESSAGES[code]);
  }
}

/** French message of a code, with an optional detail appended. */
export function frenchMessage(code: ErrorCode, detail?: string): string {
  return detail ? `${ERROR_MESSAGES[code]} ${detail}` : ERROR_MESSAGES[code];
}

/** True when the value is an AppError carrying one of the given codes (any code when none given). */
export function isAppError(error: unknown, ...codes: ErrorCode[]): error is AppError {
  return error instanceof AppError && (codes.length === 0 || codes.includes(error.code));
}
